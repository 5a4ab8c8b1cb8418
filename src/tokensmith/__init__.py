"""tokensmith: train, apply, measure, compare and transplant tokenizers for language models."""

from .errors import (InputError, ModelFileError, OptionError, SaveError, SpecialTokenError,
                     TokensmithError)
from .tokenizer import Tokenizer
from .trainers import train, train_bpe

__version__ = "0.1.0"

__all__ = ["Tokenizer", "TokensmithError", "InputError", "ModelFileError", "OptionError",
           "SaveError", "SpecialTokenError", "extend", "load", "train", "train_bpe"]


def load(path, **kwargs) -> Tokenizer:
    """Load any supported tokenizer file (native, HF tokenizer.json, .tiktoken, vocab.json+merges)."""
    from .formats import load as _load

    return _load(path, **kwargs)


def __getattr__(name):
    # ``tokensmith.extend`` is imported on first use: most programs never extend a tokenizer.
    if name == "extend":
        from .extension import extend

        return extend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
