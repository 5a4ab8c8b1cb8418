"""Small real tokenizer files to mutate, and the mutations a hostile file can carry.

Each seed is cut from a real file in ../shared/data/tokenizers (its first few hundred entries,
everything else kept byte for byte), so a mutated seed looks like what a user could hand us and
still loads in milliseconds. A seed is ``{file name: bytes}``; the first name is the one loaded.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

SIZE = 400  # entries kept from each real vocabulary


class Seed(dict):
    """``{file name: bytes}``, shown by its file names (hypothesis prints failing arguments)."""

    def __repr__(self) -> str:
        return f"Seed({', '.join(self)})"


# -- protobuf wire format (SentencePiece .model) ------------------------------------------------
def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, wire: int, value) -> bytes:
    key = varint(number << 3 | wire)
    if wire == 0:
        return key + varint(value)
    if wire == 2:
        return key + varint(len(value)) + value
    if wire == 5:
        return key + value.to_bytes(4, "little")
    if wire == 1:
        return key + value.to_bytes(8, "little")
    raise ValueError(wire)


def proto_fields(data: bytes) -> list[tuple[int, int, object]]:
    from tokensmith.formats.sentencepiece import fields

    return list(fields(data))


def join_fields(items) -> bytes:
    return b"".join(field(n, w, v) for n, w, v in items)


def piece_message(text: str, score: float, kind: int) -> bytes:
    import struct

    return (field(1, 2, text.encode("utf-8")) + field(2, 5, int.from_bytes(struct.pack("<f", score), "little"))
            + field(3, 0, kind))


# -- seeds ---------------------------------------------------------------------------------------
def sentencepiece_bpe(tokenizers: Path) -> dict[str, bytes]:
    """Llama 2's model, its first pieces (unknown, controls, byte pieces, merges) and its specs."""
    items = proto_fields((tokenizers / "llama2_tokenizer.model").read_bytes())
    pieces = [f for f in items if f[0] == 1][:SIZE]
    return {"llama2_small.model": join_fields(pieces + [f for f in items if f[0] != 1])}


def t5_charsmap(tokenizers: Path) -> bytes:
    document = json.loads((tokenizers / "t5_small_tokenizer.json").read_bytes())
    return base64.b64decode(document["normalizer"]["precompiled_charsmap"])


def sentencepiece_unigram(tokenizers: Path) -> dict[str, bytes]:
    """T5's Unigram vocabulary and precompiled charsmap (nmt_nfkc) as the .model T5 ships."""
    document = json.loads((tokenizers / "t5_small_tokenizer.json").read_bytes())
    vocab = document["model"]["vocab"][:SIZE]
    kinds = {0: 3, 1: 3, document["model"]["unk_id"]: 2}
    pieces = [field(1, 2, piece_message(text, score, kinds.get(i, 1))) for i, (text, score) in enumerate(vocab)]
    trainer = field(2, 2, field(3, 0, 1))
    normalizer = field(3, 2, field(1, 2, b"nmt_nfkc") + field(2, 2, t5_charsmap(tokenizers))
                       + field(3, 0, 1) + field(4, 0, 1) + field(5, 0, 1))
    return {"t5_small.model": b"".join(pieces) + trainer + normalizer}


def wordpiece(tokenizers: Path) -> dict[str, bytes]:
    lines = (tokenizers / "bert_base_cased_vocab.txt").read_bytes().split(b"\n")
    return {"vocab.txt": b"\n".join(lines[:SIZE * 3]) + b"\n"}


def _byte_level_bpe(vocab: dict[str, int], merges: list[str]) -> tuple[dict[str, int], list[str]]:
    """The tokens with the lowest ids and the merges among them."""
    kept = {t: i for t, i in vocab.items() if i < 256 + SIZE}
    pairs = []
    for line in merges:
        left, right = line.split(" ")
        if left in kept and right in kept and left + right in kept:
            pairs.append(line)
    return kept, pairs


def gpt2(tokenizers: Path) -> dict[str, bytes]:
    vocab = json.loads((tokenizers / "gpt2_vocab.json").read_bytes())
    lines = (tokenizers / "gpt2_merges.txt").read_text("utf-8").split("\n")
    kept, pairs = _byte_level_bpe(vocab, [m for m in lines[1:] if m])
    return {"vocab.json": json.dumps(kept, ensure_ascii=False).encode("utf-8"),
            "merges.txt": ("\n".join([lines[0]] + pairs) + "\n").encode("utf-8")}


def tiktoken(tokenizers: Path) -> dict[str, bytes]:
    lines = (tokenizers / "r50k_base.tiktoken").read_bytes().split(b"\n")
    return {"r50k_small.tiktoken": b"\n".join(lines[:256 + SIZE]) + b"\n"}


def hf_bpe(tokenizers: Path) -> dict[str, bytes]:
    document = json.loads((tokenizers / "roberta_base_tokenizer.json").read_bytes())
    merges = [m if isinstance(m, str) else " ".join(m) for m in document["model"]["merges"]]
    vocab, pairs = _byte_level_bpe(document["model"]["vocab"], merges)
    document["model"]["vocab"], document["model"]["merges"] = vocab, pairs
    document["added_tokens"] = [t for t in document["added_tokens"] if t["id"] in vocab.values()]
    return {"tokenizer.json": json.dumps(document, ensure_ascii=False).encode("utf-8")}


def hf_unigram(tokenizers: Path) -> dict[str, bytes]:
    document = json.loads((tokenizers / "t5_small_tokenizer.json").read_bytes())
    document["model"]["vocab"] = document["model"]["vocab"][:SIZE]
    document["added_tokens"] = [t for t in document["added_tokens"] if t["id"] < SIZE]
    return {"tokenizer.json": json.dumps(document, ensure_ascii=False).encode("utf-8")}


def gguf(tokenizers: Path) -> dict[str, bytes]:
    """llama.cpp's BERT vocabulary file, whole (a GGUF container: typed key/value metadata)."""
    name = "ggml-vocab-bert-bge.gguf"
    return {name: (tokenizers / "llama_cpp_vectors" / name).read_bytes()}


def native(seed: dict[str, bytes], tmp: Path) -> dict[str, bytes]:
    """The tokensmith file of a seed, written by ``save``."""
    import tokensmith

    for name, data in seed.items():
        (tmp / name).write_bytes(data)
    options = {"pattern": "gpt2"} if next(iter(seed)).endswith(".tiktoken") else {}
    tok = tokensmith.load(tmp / next(iter(seed)), **options)
    tok.save(tmp / "native.json", format="native")
    return {"native.json": (tmp / "native.json").read_bytes()}


# -- hostile values ------------------------------------------------------------------------------
def deep(depth: int, leaf="x"):
    """A JSON value nested ``depth`` lists deep."""
    return json.loads("[" * depth + json.dumps(leaf) + "]" * depth)


HOSTILE_VALUES = [
    None, True, False, 0, -1, 1, 2**31, 2**32 + 1, 2**63, -(2**63), 10**30, 1e308, -1e308,
    math.inf, -math.inf, math.nan, 0.5, "", "x", "\x00", "\ud800", "a" * 10_000, [], [None], [[]],
    {}, {"type": None}, {"type": "x"}, {"": 0}, [1, 2, 3], ["a", "b"], {"a": -1}, {"a": 2**70},
]

INVALID_UTF8 = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00"]
