"""tokensmith: train, apply, measure, compare and transplant tokenizers for language models."""

from .errors import (InputError, ModelFileError, OptionError, SaveError, SpecialTokenError,
                     TokensmithError)
from .tokenizer import Tokenizer
from .trainers import train, train_bpe

__version__ = "0.1.0"

__all__ = ["Tokenizer", "TokensmithError", "InputError", "ModelFileError", "OptionError",
           "SaveError", "SpecialTokenError", "extend", "infer_mixture", "load", "train", "train_bpe",
           "transplant"]


def load(path, **kwargs) -> Tokenizer:
    """Load any supported tokenizer file (native, HF tokenizer.json, .tiktoken, vocab.json+merges)."""
    from .formats import load as _load

    return _load(path, **kwargs)


# The package first (it is light: its modules load on use), so that the function below keeps the
# name ``tokensmith.transplant`` when ``tokensmith.transplant.<module>`` is imported later.
from . import transplant as _transplant_package  # noqa: E402,F401


def transplant(model_dir, new_tokenizer, method="omp", corpus=None, output_dir=None, **options):
    """Move a Hugging Face checkpoint onto a new tokenizer (see :mod:`tokensmith.transplant`)."""
    from .transplant.api import transplant as _transplant

    return _transplant(model_dir, new_tokenizer, method=method, corpus=corpus, output_dir=output_dir, **options)


def __getattr__(name):
    # Imported on first use: most programs never extend a tokenizer, and the mixture inference
    # needs scipy or highspy, which ``import tokensmith`` must not.
    if name == "extend":
        from .extension import extend

        return extend
    if name == "infer_mixture":
        from .forensics.mixture import infer_mixture

        return infer_mixture
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
