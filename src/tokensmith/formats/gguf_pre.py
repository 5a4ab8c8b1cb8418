r"""llama.cpp's byte-level BPE pre-tokenizers, by the name GGUF files store in
``tokenizer.ggml.pre``.

llama.cpp (``llama-vocab.cpp``, ``llm_tokenizer_bpe``) splits text with a list of regexes, each
applied to every piece the previous one left, the text between matches kept as pieces of its
own: exactly a :class:`~tokensmith.pre_tokenizers.splitters.SequenceSplitter` of
:class:`~tokensmith.pre_tokenizers.splitters.RegexSplitter`. Where llama.cpp's list is one of the named
patterns (its GPT-2 regex is GPT-2's without the final ``\s+``, which the kept gaps replace;
its Llama 3 and GPT-4o regexes are the originals with ``(?i:...)`` spelled out), the named
pattern is used, so encoding runs in the compiled core.

MPT's tokenizer (GPT-NeoX's) composes the text to NFC first, as its HF file says; llama.cpp
skips that step, which changes the ids of decomposed text (Bengali, Vietnamese...), so here the
normalizer is kept (and the tokenizer takes the Python path).

Not reproduced: ``ignore_merges`` (Llama 3 family: a piece that is a token is taken whole
before merging), so rare words of those vocabularies may split differently.
"""

from __future__ import annotations

from ..errors import ModelFileError

_QWEN2 = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
          r"""|\s*[\r\n]+|\s+(?!\S)|\s+""")

# pre-tokenizer names -> the splitting steps (pattern names or regexes), in llama.cpp's order.
_GROUPS = [
    (("gpt-2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es",
      "jina-v2-de", "jina-v2-code", "roberta-bpe", "gigachat", "exaone4", "modern-bert", "a.x-4.0",
      "mellum", "trillion", "granite-docling"), ["gpt2"]),
    (("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
      "jina-v5-nano", "dbrx", "smaug-bpe", "glm4", "chatglm-bpe"), ["llama3"]),
    (("gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"), ["o200k"]),
    (("qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "stablelm2", "megrez", "hunyuan",
      "solar-open"), [_QWEN2]),
    (("falcon",), [r"[\p{P}\$\+<=>\^~\|`]+", "gpt2", r"[0-9][0-9][0-9]"]),
    (("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2"),
     [r"\p{N}", "gpt2"]),
    (("default",), [r"[\p{P}\$\+<=>\^~\|]+", "gpt2", r"\p{N}+", r"[0-9][0-9][0-9]"]),
]
PRE_TOKENIZERS: dict[str, list[str]] = {name: steps for names, steps in _GROUPS for name in names}
# pre-tokenizer names whose models normalize the text first (Unicode form)
NORMALIZATION = {"mpt": "NFC"}


def pre_tokenizer(name: str | None, path):
    """The splitter llama.cpp uses for the pre-tokenizer ``name`` (``"default"`` when absent)."""
    from ..pre_tokenizers.splitters import RegexSplitter, SequenceSplitter

    steps = PRE_TOKENIZERS.get(name or "default")
    if steps is None:
        raise ModelFileError(path, f"pre-tokenizer {name!r} is not supported (supported: "
                                   f"{', '.join(sorted(PRE_TOKENIZERS))})")
    splitters = [RegexSplitter(step) for step in steps]
    return splitters[0] if len(splitters) == 1 else SequenceSplitter(splitters)


def normalizer(name: str | None):
    """The normalizer of the models that use pre-tokenizer ``name``, or None."""
    from ..normalizers.common import UnicodeNormalizer

    form = NORMALIZATION.get(name or "default")
    return None if form is None else UnicodeNormalizer(form)
