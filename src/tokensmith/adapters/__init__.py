"""Any tokenizer behind one protocol, so that metrics and reports never care where it came from."""

from .open import open_tokenizer, parse_spec
from .protocol import NativeTokenizer, TokenizerLike

__all__ = ["TokenizerLike", "NativeTokenizer", "open_tokenizer", "parse_spec"]
