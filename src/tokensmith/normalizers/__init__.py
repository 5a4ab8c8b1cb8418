"""Normalizers: text -> text before splitting (the pipeline's first stage).

* :mod:`.common` — the normalizers real tokenizers use (SentencePiece's, ``Precompiled``, NFKC,
  lowercasing, replacement, prepending, sequences).
* :mod:`.bert` — BERT's clean-up, CJK spacing, accent stripping and lowercasing.
* :mod:`.charsmap` / :mod:`.charsmap_builder` — SentencePiece's precompiled character map, read
  and written.
* :mod:`.hf` — HF ``tokenizers``' normalizer specs read from and written to ``tokenizer.json``.
"""

from .common import (Lowercase, Precompiled, Prepend, Replace, SentencePieceNormalizer,
                     SequenceNormalizer, UnicodeNormalizer, lowercase)

__all__ = ["Lowercase", "Precompiled", "Prepend", "Replace", "SentencePieceNormalizer",
           "SequenceNormalizer", "UnicodeNormalizer", "lowercase"]
