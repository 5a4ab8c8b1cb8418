"""Unigram LM: the model (:mod:`.model`), its SentencePiece-style trainer (:mod:`.trainer` with
:mod:`.words`, :mod:`.scripts` and the EM loop :mod:`.em`) and HF's variant (:mod:`.hf`)."""

from .model import UnigramModel

__all__ = ["UnigramModel"]
