"""Vocabularies that adapt at inference, on top of any tokenizer tokensmith loads.

* :mod:`.zip2zip`: LZW over token ids into per-sequence hypertokens ("zip2zip: Inference-Time
  Adaptive Vocabularies for Language Models via Token Compression"): :func:`lzw_encode`,
  :func:`lzw_decode`, their batch forms and the streaming :class:`LZWEncoder` / :class:`LZWDecoder`.
"""

from .zip2zip import (PAPER_SETTINGS, LZWDecoder, LZWEncoder, LZWSettings, lzw_decode, lzw_decode_batch,
                      lzw_encode, lzw_encode_batch)

__all__ = ["PAPER_SETTINGS", "LZWSettings", "LZWEncoder", "LZWDecoder", "lzw_encode", "lzw_decode",
           "lzw_encode_batch", "lzw_decode_batch"]
