"""BPE: byte-level BPE (:mod:`.model`, trained by :mod:`.trainer`), SentencePiece's BPE
(:mod:`.sentencepiece`) and HF ``tokenizers``' BPE with every option (:mod:`.hf`)."""

from .model import BPEModel

__all__ = ["BPEModel"]
