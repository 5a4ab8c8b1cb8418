"""WordPiece: the model (:mod:`.model`), its trainer (:mod:`.trainer`, words counted by
:mod:`.words`) and HF's WordPiece / WordLevel models (:mod:`.hf`)."""

from .model import WordPieceModel

__all__ = ["WordPieceModel"]
