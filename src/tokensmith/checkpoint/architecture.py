"""Which tensors of a checkpoint are indexed by token id: the input embeddings, the output head.

Hugging Face models name them by family; a wrapper class adds a prefix (``bert.``, ``model.``,
``transformer.``), so names are matched by suffix:

============================  ==================================  =================================
family (``model_type``)       input embeddings                    output head (absent when tied)
============================  ==================================  =================================
BERT, MiniLM, RoBERTa ...     ``embeddings.word_embeddings.weight``  ``cls.predictions.decoder.weight``
GPT-2                         ``wte.weight``                      ``lm_head.weight``
Llama, Mistral, Qwen, Gemma   ``embed_tokens.weight``             ``lm_head.weight``
GPT-NeoX                      ``embed_in.weight``                 ``embed_out.weight``
T5, BART (shared)             ``shared.weight``                   ``lm_head.weight``
============================  ==================================  =================================

A head stored in the file is untied; a model whose head is tied to its embeddings stores the
embeddings alone (``save_pretrained`` drops the duplicate). Vocabulary-sized biases (BERT's
``cls.predictions.bias``, BART's ``final_logits_bias``) and copies of the embeddings under other
names (T5's ``encoder.embed_tokens.weight``) are found too, so that every tensor with one row per
token is resized together.
"""

from __future__ import annotations

from dataclasses import dataclass

INPUT_NAMES = ("embeddings.word_embeddings.weight", "wte.weight", "embed_tokens.weight",
               "embed_in.weight", "word_embeddings.weight", "tok_embeddings.weight", "shared.weight")
OUTPUT_NAMES = ("lm_head.weight", "embed_out.weight", "cls.predictions.decoder.weight", "output.weight")
BIAS_NAMES = ("cls.predictions.bias", "cls.predictions.decoder.bias", "final_logits_bias", "lm_head.bias")


def _matches(name: str, suffix: str) -> bool:
    return name == suffix or name.endswith("." + suffix)


def _find(names, suffixes) -> list[str]:
    """Tensors named by the first suffix that any name carries (suffixes in priority order)."""
    for suffix in suffixes:
        found = sorted(n for n in names if _matches(n, suffix))
        if found:
            return found
    return []


@dataclass(frozen=True)
class VocabularyTensors:
    input: str                      # the input embeddings, [vocab, width]
    output: str | None = None       # the untied output head, [vocab, width]
    input_copies: tuple[str, ...] = ()   # other names holding the same embeddings (T5's encoder/decoder)
    biases: tuple[str, ...] = ()    # vocabulary-sized biases, [vocab] or [1, vocab]

    @property
    def all(self) -> tuple[str, ...]:
        return (self.input, *self.input_copies, *((self.output,) if self.output else ()), *self.biases)


def looked_for() -> str:
    return ", ".join(f"*{s}" for s in INPUT_NAMES)


def vocabulary_tensors(shapes: dict[str, tuple[int, ...]]) -> VocabularyTensors | None:
    """The token-indexed tensors among ``shapes`` (name -> shape), or None if no input embedding
    is recognised. The input embedding is the first of :data:`INPUT_NAMES` found; tensors under
    other embedding names with the same shape are its copies."""
    inputs = [n for n in _find(shapes, INPUT_NAMES) if len(shapes[n]) == 2]
    if not inputs:
        return None
    # Prefer the plain (shortest) name: T5's "shared.weight" over "encoder.embed_tokens.weight".
    main = min(inputs, key=lambda n: (len(n), n))
    rows = shapes[main][0]
    copies = sorted(n for n in shapes if n != main and shapes[n] == shapes[main]
                    and any(_matches(n, s) for s in INPUT_NAMES))
    outputs = [n for n in _find(shapes, OUTPUT_NAMES) if len(shapes[n]) == 2 and shapes[n][0] == rows]
    biases = sorted(n for n in shapes if any(_matches(n, s) for s in BIAS_NAMES)
                    and shapes[n] and shapes[n][-1] == rows and all(d == 1 for d in shapes[n][:-1]))
    return VocabularyTensors(main, outputs[0] if outputs else None, tuple(copies), tuple(biases))
