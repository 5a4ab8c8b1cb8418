"""The compiled whole-text encoder of HF byte-level BPE pipelines read by ``formats.hf_pipeline``.

A tokenizer.json whose model is plain byte-level BPE (:attr:`HFBPEModel.byte_level_model`'s twin)
and whose pre-tokenizer is HF's ``ByteLevel`` with GPT-2's regex (GPT-NeoX) splits and merges
exactly as the compiled core's ``gpt2`` splitter and :class:`~tokensmith.models.bpe.model.BPEModel`
do on the raw UTF-8 bytes, so the whole text can run there, like a tiktoken file, instead of
piece by piece through Python. What the core does not reproduce is sent back to the stages:

* the normalizer (NFC for GPT-NeoX, any other too) runs first, once per text, as in the
  stage-by-stage path;
* a text holding a character Unicode 17 added takes the stages (the compiled splitter knows
  those letters, HF's Oniguruma does not; :class:`ByteLevelPreTokenizer` switches the same way);
* a text holding a byte the vocabulary lacks (its placeholder id comes out of the core) takes the
  stages, where it is dropped as HF drops it.

The encoder has the interface of every compiled encoder (:meth:`Model.compiled_encoder`):
``encode(text, name)``, ``encode_array(text, name)``, ``encode_batch(texts, name, threads)``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ...unicode_versions import has_unicode_17


def byte_level_split_name(splitter) -> str | None:
    """The compiled splitter that gives ``splitter``'s pieces (before the byte-to-character
    step), or None: HF's ``ByteLevel`` with GPT-2's regex and no prefix space is ``gpt2``."""
    from ...pre_tokenizers.hf import ByteLevelPreTokenizer

    if type(splitter) is ByteLevelPreTokenizer and splitter.use_regex and not splitter.add_prefix_space:
        return "gpt2"
    return None


class ByteLevelTextEncoder:
    """Normalize in Python, then split and merge in the compiled core with the GIL released;
    texts the core does not reproduce go through ``stages`` (normalized text -> ids)."""

    def __init__(self, core, vocab_size: int, normalize: Callable[[str], str] | None,
                 stages: Callable[[str], list[int]], lacks_bytes: bool):
        self.core = core
        self.vocab_size = vocab_size    # ids from here on are placeholders of missing bytes
        self.normalize = normalize
        self.stages = stages
        self.lacks_bytes = lacks_bytes  # False: no placeholder can come out (no check needed)

    def _prepared(self, text: str) -> str:
        return text if self.normalize is None else self.normalize(text)

    def _dropped_byte(self, ids) -> bool:
        return self.lacks_bytes and len(ids) > 0 and max(ids) >= self.vocab_size

    def encode(self, text: str, name: str) -> list[int]:
        text = self._prepared(text)
        if has_unicode_17(text):
            return self.stages(text)
        ids = self.core.encode(text, name)
        return self.stages(text) if self._dropped_byte(ids) else ids

    def encode_array(self, text: str, name: str) -> np.ndarray:
        text = self._prepared(text)
        if has_unicode_17(text):
            return np.asarray(self.stages(text), dtype=np.uint32)
        ids = self.core.encode_array(text, name)
        if self._dropped_byte(ids):
            return np.asarray(self.stages(text), dtype=np.uint32)
        return ids

    def encode_batch(self, texts: Sequence[str], name: str, threads: int) -> list[list[int]]:
        if self.normalize is not None:
            texts = [self.normalize(t) for t in texts]
        out = self.core.encode_batch(texts, name, threads)
        if self.lacks_bytes or has_unicode_17("".join(texts)):
            for k, text in enumerate(texts):
                if has_unicode_17(text) or self._dropped_byte(out[k]):
                    out[k] = self.stages(text)
        return out
