"""Decoders: ids -> text (after the model has turned ids into token bytes or strings).

* :mod:`.common` — the chain decoder base and SentencePiece's ``▁`` decoder.
* :mod:`.hf` — HF ``tokenizers``' ten decoders read from ``tokenizer.json``.
"""

from .common import ChainDecoder, MetaspaceDecoder

__all__ = ["ChainDecoder", "MetaspaceDecoder"]
