"""Vocabulary models: a vocabulary plus the way it segments a piece."""

from .bpe import BPEModel
from .wordpiece import WordPieceModel

__all__ = ["BPEModel", "WordPieceModel"]
