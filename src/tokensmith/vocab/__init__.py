"""Vocabulary models: a vocabulary plus the way it segments a piece."""

from .bpe import BPEModel

__all__ = ["BPEModel"]
