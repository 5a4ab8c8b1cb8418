"""TokenTable.join (the compiled ``_core/_decode.cpp``) against Tokenizer.decode_bytes and the
readable twin ``_reference.decode.join_token_bytes``, on real ids and on random tables."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith._core import kernel
from tokensmith._reference.decode import join_token_bytes
from tokensmith.components import ByteDecoder
from tokensmith.errors import InputError
from tokensmith.token_table import TokenTable

BYTE_JOIN_FILES = ["cl100k_base.tiktoken", "r50k_base.tiktoken", "o200k_base.tiktoken",
                   "roberta_base_tokenizer.json"]


def _decode():
    core = kernel("_decode")
    assert core is not None, "the compiled kernel must be built for this test"
    return core


@pytest.fixture(scope="module")
def text(english_sample, ntrex_files):
    mixed = "\n".join(p.read_text(encoding="utf-8").split("\n")[0] for p in ntrex_files[::4])
    return english_sample[:200_000] + mixed


@pytest.mark.parametrize("name", BYTE_JOIN_FILES)
def test_join_is_decode_bytes_on_real_ids(tokenizer_files, text, name):
    tok = tokensmith.load(tokenizer_files / name)
    assert isinstance(tok.decoder, ByteDecoder)  # the models the kernel is for
    table = TokenTable(tok.model.token_bytes(), tok._special_by_id)
    assert isinstance(table._core, _decode().TokenTable)
    specials = sorted(tok.special_tokens.values())
    ids = tok.encode(text) + specials + tok.encode(text[:1000])
    expected = tok.decode_bytes(ids)
    assert len(table) == tok.vocab_size
    assert table.join(ids) == expected
    for dtype in (np.uint32, np.int64, np.int32, np.uint64):
        assert table.join(np.asarray(ids, dtype=dtype)) == expected
    assert table.join(np.asarray(ids, dtype=np.int64)[::2]) == tok.decode_bytes(ids[::2])  # strided
    assert table.join(iter(ids)) == expected
    assert table.join([]) == b"" and table.join(np.zeros(0, dtype=np.uint32)) == b""
    with pytest.raises(InputError, match=f"token id {tok.vocab_size} is out of range"):
        table.join(ids[:5] + [tok.vocab_size])


def test_pure_python_switch_selects_the_reference(monkeypatch, tokenizer_files, text):
    tok = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    ids = tok.encode(text[:20_000])
    monkeypatch.setenv("TOKENSMITH_PURE_PYTHON", "1")
    table = TokenTable(tok.model.token_bytes(), tok._special_by_id)
    assert table._core is None
    assert table.join(np.asarray(ids, dtype=np.uint32)) == table.join(ids) == tok.decode_bytes(ids)


tables = st.lists(st.one_of(st.none(), st.binary(max_size=6)), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(tables, st.data())
def test_kernel_equals_reference_on_random_tables(table, data):
    ids = data.draw(st.lists(st.integers(-3, len(table) + 2), max_size=60))
    core = _decode().TokenTable(table)

    def outcome(join, arg):
        try:
            return join(arg)
        except InputError as exc:
            return str(exc)

    expected = outcome(lambda i: join_token_bytes(table, i), ids)
    assert outcome(core.join, ids) == expected
    assert outcome(core.join, np.asarray(ids, dtype=np.int64)) == expected
    if all(i >= 0 for i in ids):
        assert outcome(core.join, np.asarray(ids, dtype=np.uint16)) == expected


def test_bad_arguments_are_clear_errors():
    core = _decode().TokenTable([b"a", None])
    with pytest.raises(TypeError, match="integer array"):
        core.join(np.array([0.0]))
    with pytest.raises(TypeError, match="integer array"):
        core.join(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(TypeError):
        core.join(["0"])
    with pytest.raises(TypeError, match="bytes or None"):
        _decode().TokenTable(["a"])
    with pytest.raises(InputError, match="token id 1 is out of range"):
        core.join([0, 1])  # an id without bytes
