"""Vocabularies that adapt at inference, on top of any tokenizer tokensmith loads.

* :mod:`.zip2zip`: LZW over token ids into per-sequence hypertokens ("zip2zip: Inference-Time
  Adaptive Vocabularies for Language Models via Token Compression"): :func:`lzw_encode`,
  :func:`lzw_decode`, their batch forms and the streaming :class:`LZWEncoder` / :class:`LZWDecoder`.
* :mod:`.dynamic_merges`: BPE merges learnt on each batch inside word boundaries ("Retrofitting
  (Large) Language Models with Dynamic Tokenization"): :func:`dynamic_merges`,
  :func:`length_reduction`.
"""

from .dynamic_merges import DynamicBatch, dynamic_merges, length_reduction
from .zip2zip import (PAPER_SETTINGS, LZWDecoder, LZWEncoder, LZWSettings, lzw_decode, lzw_decode_batch,
                      lzw_encode, lzw_encode_batch)

__all__ = ["PAPER_SETTINGS", "LZWSettings", "LZWEncoder", "LZWDecoder", "lzw_encode", "lzw_decode",
           "lzw_encode_batch", "lzw_decode_batch", "DynamicBatch", "dynamic_merges", "length_reduction"]
