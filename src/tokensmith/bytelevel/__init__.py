"""From tokens to bytes: exact byte-level probabilities of a token language model, prompt-boundary
healing, and models with different tokenizers working together.

- :class:`ByteLevel` (:mod:`.core`): ``prefix_logprob``, ``next_byte_logprobs``, ``generate``;
  all covers or canonical ones (:mod:`.covers`, :mod:`.canonical`).
- Models (:mod:`.lm` states the contract): :class:`NgramLM` (:mod:`.ngram`),
  :class:`~tokensmith.bytelevel.hf.CausalLM` (``transformers``, imported on use).
- :mod:`.healing`: token alignment at the prompt boundary, also as a ``transformers`` logits processor.
- :mod:`.ensemble`: product and mixture of byte-level models; :mod:`.transfer`: a model's
  next-token distribution mapped onto another tokenizer's tokens through bytes.
- :mod:`.scoring`: bits per byte, token-level and byte-level, and the canonical-mass gap.
"""

from .core import ByteLevel, generate_bytes
from .ngram import NgramLM, RandomBigramLM

__all__ = ["ByteLevel", "NgramLM", "RandomBigramLM", "generate_bytes"]
