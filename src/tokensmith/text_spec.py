"""The text stages of a tokenizer (normalizer, splitter) as the compiled SentencePiece-style
encoders read them: each stage that has a compiled form gives it as a small dict from its
``compiled_spec()`` method (see ``_core/include/spm_encoder.h``)."""

from __future__ import annotations


def compiled_text_spec(normalizer, splitter) -> dict | None:
    """``{"normalizer": ..., "splitter": ...}``, or None when some stage has no compiled form."""
    spec: dict = {}
    for key, stage in (("normalizer", normalizer), ("splitter", splitter)):
        if stage is None:
            spec[key] = None
            continue
        spec_of = getattr(stage, "compiled_spec", None)
        spec[key] = spec_of() if spec_of is not None else None
        if spec[key] is None:
            return None
    return spec
