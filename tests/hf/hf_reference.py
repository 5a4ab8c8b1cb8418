"""Shared pieces of the HF component tests: the reference library, NTREX samples, specs built by HF.

The reference library and the shared data are required when CI is set (a missing one fails the
run instead of skipping the comparisons).
"""

from __future__ import annotations

import json
import os

import pytest

if os.environ.get("CI"):
    import tokenizers  # noqa: F401  (must be installed in CI)
else:
    tokenizers = pytest.importorskip("tokenizers")

# Thirty languages, many scripts: Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali,
# Tamil, Thai, Lao, Khmer, Myanmar, Tibetan, Ethiopic, Georgian, Armenian, Han, Kana, Hangul.
NTREX_LANGUAGES = ("eng-US deu fra tur vie pol ces ron hun fin rus ukr bul ell arb fas heb hin "
                   "ben tam tha lao khm mya bod amh kat hye zho-CN jpn kor").split()
EDGE_TEXTS = ["", " ", "  a  b  ", "\t\nx\x00\x01\u200b\ufeff\u2581y\ufffd\x85", "ΣΑΣ ΟΔΟΣ Σ",
              "İstanbul ǅ ß", "123 4567 ٣٤ ²½", "a,,b..c!?", "▁▁a▁", " hello  world\n", "it's 'LL",
              "x\n\n", "\n", "a\r\nb", "漢字かなカナ한국어 ー", "e\u0301\u0304o", "\U0001F600 \U0001F1EB\U0001F1F7"]


def _base_document() -> dict:
    model = tokenizers.models.WordLevel({"a": 0}, unk_token="a")
    return json.loads(tokenizers.Tokenizer(model).to_str())


def hf_component(kind: str, spec: dict):
    """HF's own component (``normalizer`` or ``pre_tokenizer``) read from a tokenizer.json spec."""
    document = {**_base_document(), kind: spec}
    return getattr(tokenizers.Tokenizer.from_str(json.dumps(document)), kind)


def hf_pieces(pre_tokenizer, text: str) -> list[str]:
    return [piece for piece, _ in pre_tokenizer.pre_tokenize_str(text)]


def code_points(stop: int = 0x110000) -> str:
    """Every code point below ``stop`` but the surrogates, as one string."""
    return "".join(chr(c) for c in range(stop) if not 0xD800 <= c < 0xE000)
