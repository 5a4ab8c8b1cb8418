"""What the exchange formats can hold, and how to say what they cannot.

HF ``tokenizer.json``, ``.tiktoken``, GPT-2's ``vocab.json`` + ``merges.txt`` and ``vocab.txt`` each
hold one vocabulary family with one way of segmenting. Several of tokensmith's methods segment
differently (least tokens, greedy longest prefix, scaffold tokens, protected terms, random
segmentations): those live only in the native format, and a save to another format is refused
with :func:`cannot_hold` rather than written as a file the other library would read differently.
"""

from __future__ import annotations

from ..errors import OptionError


def plain(tokenizer):
    """``tokenizer`` with wrappers that change nothing removed: a domain tokenizer with no
    protected terms is its base BPE."""
    model = tokenizer.model
    if type(model).__name__ == "ProtectedModel" and not model.terms:
        from ..tokenizer import Tokenizer

        return Tokenizer(model.base, getattr(tokenizer.splitter, "base", tokenizer.splitter),
                         normalizer=tokenizer.normalizer, decoder=tokenizer.decoder,
                         added_tokens=tokenizer.added_tokens,
                         post_processor=tokenizer.post_processor, name=tokenizer.name)
    return tokenizer


def describe(model) -> str:
    """The model in words, for error messages."""
    kind = type(model).__name__
    if kind == "SegmentedModel":
        return f"{model.method} segmentation of a {type(model.base).__name__} vocabulary"
    if kind == "ScaffoldBPEModel":
        return "Scaffold-BPE model (scaffold tokens are split again when encoding)"
    if kind == "ProtectedModel":
        return f"BPE with {len(model.terms)} protected terms (matched only as whole words)"
    if kind in ("BPEDropoutModel", "StochasTokModel", "UnigramSamplingModel"):
        return f"random segmentation ({model.kind}); save the tokenizer it wraps instead"
    return kind


def cannot_hold(format_name: str, tokenizer, why: str = "") -> OptionError:
    """The refusal to write ``tokenizer`` as ``format_name``."""
    reason = why or f"it has no form for a {describe(tokenizer.model)}"
    return OptionError(f"{format_name} cannot hold this tokenizer: {reason}; save it in the "
                       "native format (format='native') instead")
