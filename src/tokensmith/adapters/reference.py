"""Thin adapters around the reference libraries, for files tokensmith cannot load natively yet.

Each library is imported only when its adapter is built, so none of them is a dependency of
tokensmith; a missing one gives an :class:`~tokensmith.errors.ModelFileError` that says what to
install. The adapters only translate: ids come from the library itself.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from typing import Sequence

from ..errors import ModelFileError

_BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def _require(module: str, pip_name: str, path: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ModelFileError(path, f"no native loader for this format in this installation and the "
                                   f"reference library is missing: pip install {pip_name}") from None


def _byte_level_decoder() -> dict[str, int]:
    """Inverse of GPT-2's byte-to-printable-character table (bytes that are not printable
    are shifted to 256+)."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[chr(b)] = b
        else:
            table[chr(256 + extra)] = b
            extra += 1
    return table


class _Adapter:
    backend = "reference"
    name: str
    unk_id: int | None = None  # the vocabulary covers every text unless a subclass says otherwise

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, vocab_size={self.vocab_size})"


class TiktokenAdapter(_Adapter):
    def __init__(self, path: str, name: str, pattern: str | None = None):
        tiktoken = _require("tiktoken", "tiktoken", path)
        load = importlib.import_module("tiktoken.load")
        from ..formats.tiktoken_file import KNOWN
        from ..pre_tokenizers.patterns import resolve_pattern

        try:
            ranks = load.load_tiktoken_bpe(path)
        except Exception as exc:  # the library raises bare ValueError/binascii errors
            raise ModelFileError(path, f"not a readable .tiktoken file ({exc})") from None
        known = KNOWN.get(len(ranks))
        if pattern is None:
            if known is None:
                raise ModelFileError(path, "a .tiktoken file has no split pattern; pass one")
            pattern = known[0]
        specials = dict(known[1]) if known and known[0] == pattern else {}
        self.enc = tiktoken.Encoding(name, pat_str=resolve_pattern(pattern)[0],
                                     mergeable_ranks=ranks, special_tokens=specials)
        self.name = name
        self._bytes = {rank: token for token, rank in ranks.items()}

    @property
    def vocab_size(self) -> int:
        return self.enc.n_vocab

    def encode(self, text):
        return self.enc.encode_ordinary(text)

    def encode_batch(self, texts):
        return self.enc.encode_ordinary_batch(list(texts))

    def decode(self, ids):
        return self.enc.decode(list(ids))

    def token_bytes(self, token_id):
        return self._bytes.get(token_id)


class SentencePieceAdapter(_Adapter):
    def __init__(self, path: str, name: str):
        spm = _require("sentencepiece", "sentencepiece", path)
        self.sp = spm.SentencePieceProcessor()
        try:
            self.sp.load(path)
        except (OSError, RuntimeError) as exc:
            raise ModelFileError(path, f"not a readable SentencePiece model ({exc})") from None
        self.name = name
        self.unk_id = self.sp.unk_id() if self.sp.unk_id() >= 0 else None

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text):
        return self.sp.encode(text)

    def encode_batch(self, texts):
        return self.sp.encode(list(texts))

    def decode(self, ids):
        return self.sp.decode(list(ids))

    def token_bytes(self, token_id):
        if self.sp.is_control(token_id) or self.sp.is_unknown(token_id):
            return None
        piece = self.sp.id_to_piece(token_id)
        if self.sp.is_byte(token_id):
            return bytes([int(_BYTE_PIECE.match(piece).group(1), 16)])
        return piece.replace("\u2581", " ").encode("utf-8")


class HFTokenizersAdapter(_Adapter):
    """HF ``tokenizer.json`` (and BERT ``vocab.txt``) through the ``tokenizers`` library."""

    def __init__(self, path: str, name: str):
        tokenizers = _require("tokenizers", "tokenizers", path)
        try:
            if path.endswith(".txt"):
                with open(path, encoding="utf-8") as f:
                    words = f.read().split()
                lower = not any(w.isalpha() and w != w.lower() for w in words if not w.startswith("["))
                self.tok = tokenizers.BertWordPieceTokenizer(path, lowercase=lower)._tokenizer
            else:
                self.tok = tokenizers.Tokenizer.from_file(path)
            config = json.loads(self.tok.to_str())
        except Exception as exc:  # the library raises bare Exception subclasses
            raise ModelFileError(path, f"not a readable tokenizer file ({exc})") from None
        self.name = name
        self._control = {t["id"] for t in config.get("added_tokens", []) if t.get("special")}
        self._surface = self._surface_function(config)
        self.unk_id = self._unknown_id(config.get("model") or {})

    def _unknown_id(self, model: dict) -> int | None:
        """Unigram names the id (``unk_id``); WordPiece and BPE name the token (``unk_token``)."""
        if model.get("unk_id") is not None:
            return int(model["unk_id"])
        return self.tok.token_to_id(model["unk_token"]) if model.get("unk_token") else None

    @staticmethod
    def _surface_function(config):
        text = json.dumps({k: config.get(k) for k in ("pre_tokenizer", "decoder")})
        model = config.get("model") or {}
        if '"ByteLevel"' in text:
            table = _byte_level_decoder()
            return lambda piece: bytes(table.get(c, 0) for c in piece)
        if model.get("type") == "WordPiece":
            prefix = (config.get("decoder") or {}).get("prefix", "##")
            return lambda piece: (piece[len(prefix):] if piece.startswith(prefix) else piece).encode()

        def metaspace(piece):
            match = _BYTE_PIECE.match(piece)
            if match and model.get("byte_fallback"):
                return bytes([int(match.group(1), 16)])
            return piece.replace("\u2581", " ").encode("utf-8")
        return metaspace

    @property
    def vocab_size(self) -> int:
        return self.tok.get_vocab_size(with_added_tokens=True)

    def encode(self, text):
        return self.tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts):
        return [e.ids for e in self.tok.encode_batch(list(texts), add_special_tokens=False)]

    def decode(self, ids):
        return self.tok.decode(list(ids), skip_special_tokens=False)

    def token_bytes(self, token_id):
        if token_id in self._control:
            return None
        piece = self.tok.id_to_token(token_id)
        if piece is None or piece in ("[UNK]", "<unk>"):
            return None
        return self._surface(piece)


def open_reference(path: str, kind: str, name: str, pattern: str | None = None):
    """The reference-library adapter for a file of format ``kind``."""
    if kind == "tiktoken":
        return TiktokenAdapter(path, name, pattern)
    if kind == "sentencepiece":
        return SentencePieceAdapter(path, name)
    if kind in ("json", "wordpiece"):
        return HFTokenizersAdapter(path, name)
    raise ModelFileError(os.fspath(path), f"no reference adapter for {kind} files")
