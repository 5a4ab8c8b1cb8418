"""A vocabulary with one very long token loads in linear time.

Deriving a tiktoken vocabulary's merges tried every cut of every token (a 200 kB token took
19.5 s, 1 MB minutes). Cuts are now tried only at lengths some token has.
"""

from __future__ import annotations

import base64
import time

import numpy as np

import tokensmith
from tokensmith._reference.bpe import tiktoken_merge_table


def _write_tiktoken(path, tokens):
    path.write_text("".join(f"{base64.b64encode(t).decode()} {i}\n" for i, t in enumerate(tokens)))


def test_a_one_megabyte_token_loads_fast_and_encodes(tmp_path):
    long_token = b"ab" * 500_000
    path = tmp_path / "long.tiktoken"
    _write_tiktoken(path, [bytes([b]) for b in range(256)] + [b"ab", long_token])
    start = time.perf_counter()
    tok = tokensmith.load(path, pattern="gpt2")
    assert time.perf_counter() - start < 10  # minutes before the fix: a hang, not a speed target
    assert tok.encode(long_token.decode()) == [257]
    assert tok.encode("ababab") == [256, 256, 256]


def test_compiled_merge_table_equals_the_reference(tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    assert np.array_equal(tok.model.table, tiktoken_merge_table(tok.model.tokens))


def test_a_sentencepiece_model_with_a_long_piece_loads_fast(tmp_path, tokenizer_files):
    from sentencepiece import sentencepiece_model_pb2 as model_pb2

    proto = model_pb2.ModelProto()
    proto.ParseFromString((tokenizer_files / "llama2_tokenizer.model").read_bytes())
    piece = proto.pieces.add()
    piece.piece, piece.score, piece.type = "\u2581" + "ab" * 500_000, -1e4, 1
    path = tmp_path / "long.model"
    path.write_bytes(proto.SerializeToString())
    start = time.perf_counter()
    tok = tokensmith.load(path)
    assert time.perf_counter() - start < 10  # was minutes: a hang, not a speed target
    llama2 = tokensmith.load(tokenizer_files / "llama2_tokenizer.model")
    assert tok.encode("hello abab world") == llama2.encode("hello abab world")
