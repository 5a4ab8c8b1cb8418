"""Pre-tokenizers: text -> pieces that the model segments on their own (never merged across).

* :mod:`.patterns` — the split patterns of real models (GPT-2, cl100k, o200k, Llama 3 ...) and the
  rules for custom ones (text between matches is never dropped).
* :mod:`.splitters` — :class:`RegexSplitter` (compiled for the named patterns) and sequences.
* :mod:`.metaspace` — SentencePiece-style ``▁`` words.
* :mod:`.bert` — BERT's whitespace and punctuation pre-tokenizer.
* :mod:`.protected` — protected domain terms kept whole.
* :mod:`.hf` — HF ``tokenizers``' pre-tokenizer specs, with :mod:`.regex_dialects` (the Rust
  engines' regexes in Python's ``regex``) and :mod:`.unicode_scripts`.
"""

from .splitters import RegexSplitter, SequenceSplitter

__all__ = ["RegexSplitter", "SequenceSplitter"]
