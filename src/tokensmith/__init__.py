"""tokensmith: train, apply, measure, compare and transplant tokenizers for language models."""

from .errors import (InputError, ModelFileError, OptionError, SaveError, SpecialTokenError,
                     TokensmithError)
from .tokenizer import Tokenizer
# ``tokensmith.train(corpus, method=...)`` is the function; the trainers' package stays importable
# as ``tokensmith.train.<method>`` modules (``from tokensmith.train import unigram``).
from .train import train, train_bpe

__version__ = "0.1.0"

__all__ = ["Tokenizer", "TokensmithError", "InputError", "ModelFileError", "OptionError",
           "SaveError", "SpecialTokenError", "load", "train", "train_bpe", "infer_mixture"]


def __getattr__(name: str):
    # Imported on first use: the inference needs scipy or highspy, which ``import tokensmith`` must not.
    if name == "infer_mixture":
        from .forensics.mixture import infer_mixture

        return infer_mixture
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(path, **kwargs) -> Tokenizer:
    """Load any supported tokenizer file (native, HF tokenizer.json, .tiktoken, vocab.json+merges)."""
    from .formats import load as _load

    return _load(path, **kwargs)
