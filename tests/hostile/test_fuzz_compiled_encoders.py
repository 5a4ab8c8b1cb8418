"""Hostile text through every compiled encoder, against its Python twin.

One target per kernel: the regex splitter (``_split``), byte-level BPE (``_bpe``), the decoder's
token table (``_decode``: hostile ids, in lists and in arrays of every integer type), the Unigram
lattice with its text pipeline (``_lattice``: T5's Precompiled normalizer and Metaspace, and the
same vocabulary as a SentencePiece model with its charsmap), SentencePiece BPE (``_spm_bpe``:
Llama 2) and the segmentation kernel (``_segment``: BERT's vocabulary, every method). Texts mix
arbitrary Unicode with the strings that stress tokenizers: NUL, line and space runs, combining
marks, zero-width joiners, flags, long runs, special-token look-alikes, ``▁``. Runs are
deterministic and bounded; ``HOSTILE_EXAMPLES`` raises the bound (tools/sanitize.sh runs these
under AddressSanitizer, where a memory error aborts the run).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_seeds as seeds
import tokensmith
from tokensmith._reference import lzw as lzw_twin
from tokensmith._reference.decode import join_token_bytes
from tokensmith.errors import InputError
from tokensmith.pre_tokenizers.patterns import COMPILED_SPLITTER, split_reference

_split = pytest.importorskip("tokensmith._core._split")
pytest.importorskip("tokensmith._core._bpe")
pytest.importorskip("tokensmith._core._lattice")
pytest.importorskip("tokensmith._core._spm_bpe")
pytest.importorskip("tokensmith._core._segment")
_decode = pytest.importorskip("tokensmith._core._decode")
_lzw = pytest.importorskip("tokensmith._core._lzw")

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

FRAGMENTS = [
    "\x00", "\r\n", "\r", "\n\n\n", "   ", "\t\t", "\u00a0", "\u3000", "\u2028", "\u200b", "\u200d",
    "\ufeff", "\u0301", "e\u0301\u0301", "\u2581", "\u2581\u2581", "👩\u200d👩\u200d👧", "🇺🇸", "🏳️‍🌈",
    "'s", "'S", "\u2019s", "'ll", "123456789012", "x" * 300, " " * 300, "\n" * 50, "\U0010ffff",
    "\ufffd", "ｈｅｌｌｏ", "Ⅸ", "ﬁ", "İ", "ß", "ǅ", "日本語", "한국어", "عربى", "हिन्दी",
    "<s>", "</s>", "<unk>", "[UNK]", "##", "<|endoftext|>", "<0x41>", "\x7f", "\x1b[31m",
]
# Characters assigned in Python's Unicode version: the compiled tables and the installed `regex`
# may be of newer versions that differ on characters assigned since (see tests/test_split.py).
assigned = st.characters(exclude_categories=("Cn", "Cs"))
hostile_text = st.lists(st.one_of(st.text(assigned, max_size=16), st.sampled_from(FRAGMENTS)),
                        max_size=12).map("".join)


@FUZZ
@given(text=hostile_text)
def test_compiled_splitters_equal_the_regex(text):
    for name, compiled in COMPILED_SPLITTER.items():
        assert _split.split(compiled, text) == split_reference(name, text), name


@pytest.fixture(scope="module")
def r50k(tokenizer_files):
    return tokensmith.load(tokenizer_files / "r50k_base.tiktoken")


@FUZZ
@given(text=hostile_text)
def test_byte_level_bpe_equals_reference(r50k, text):
    ids = r50k.encode_ordinary(text)
    pieces = [p.encode("utf-8") for p in split_reference("gpt2", text)]
    assert ids == r50k.model.encode_pieces_reference(pieces)
    assert r50k.decode(ids) == text
    assert r50k.encode_batch([text, text[::-1]], num_threads=2, disallowed_special=()) == \
        [ids, r50k.encode_ordinary(text[::-1])]


def _joined(table: list, ids) -> bytes | str:
    try:
        return table.join(ids) if hasattr(table, "join") else join_token_bytes(table, ids)
    except InputError as exc:
        return f"InputError: {exc}"


INT_TYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


@FUZZ
@given(ids=st.lists(st.one_of(st.integers(0, 210), st.integers(-2**70, 2**70),
                              st.sampled_from([-1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64])),
                    max_size=20),
       dtype=st.sampled_from([None] + INT_TYPES))
def test_token_table_equals_reference_on_hostile_ids(ids, dtype):
    """Ids beyond the table, negative, without bytes or beyond 64 bits: the reference's
    InputError, never an OverflowError or a read outside the table; in a list, and in arrays
    of every integer type (holding the ids that type can)."""
    table = [bytes([b]) for b in range(200)] + [None, b"<gap>", b""]  # id 200 has no bytes
    if dtype is not None:
        info = np.iinfo(dtype)
        ids = np.array([i for i in ids if info.min <= i <= info.max], dtype=dtype)
    assert _joined(_decode.TokenTable(table), ids) == _joined(table, ids)


@FUZZ
@given(ids=st.lists(st.one_of(st.integers(0, 50_300), st.integers(-2**70, 2**70)), max_size=20))
def test_decode_of_hostile_ids_is_an_input_error(r50k, ids):
    try:
        text = r50k.decode_bytes(ids)
    except InputError:
        assert any(not 0 <= i < r50k.vocab_size for i in ids)
    else:
        assert text == b"".join(r50k.token_bytes(i) for i in ids)


def _stages(tok, text: str) -> list[int]:
    """The pipeline run stage by stage in Python (normalizer, splitter), the model per piece."""
    if tok.normalizer is not None:
        text = tok.normalizer.normalize(text)
    pieces = tok.splitter.split(text) if tok.splitter is not None else [text]
    return tok.model.encode_pieces([p.encode("utf-8") for p in pieces if p])


@pytest.fixture(scope="module")
def text_encoders(tokenizer_files, tmp_path_factory):
    """Tokenizers whose whole text pipeline is compiled (``_fast`` holds a text encoder)."""
    tmp = tmp_path_factory.mktemp("encoders")
    out = {"t5 tokenizer.json": tokensmith.load(tokenizer_files / "t5_small_tokenizer.json"),
           "llama2 .model": tokensmith.load(tokenizer_files / "llama2_tokenizer.model")}
    (tmp / "t5.model").write_bytes(seeds.sentencepiece_unigram(tokenizer_files)["t5_small.model"])
    out["t5 .model with charsmap"] = tokensmith.load(tmp / "t5.model")
    for name, tok in out.items():
        assert tok._fast is not None and tok._fast[1] is None, name
    # HF byte-level BPE read by the general reader: NFC, then GPT-2's split and merges compiled.
    out["gpt-neox tokenizer.json"] = neox = tokensmith.load(tokenizer_files / "gpt_neox_20b_tokenizer.json")
    assert neox._fast is not None and neox._fast[1] == "gpt2"
    return out


@FUZZ
@given(text=hostile_text)
def test_compiled_text_encoders_equal_their_stages(text_encoders, text):
    for name, tok in text_encoders.items():
        try:
            expected = _stages(tok, text)
        except InputError:  # a character no piece covers, with no unknown piece to stand for it
            with pytest.raises(InputError):
                tok.encode_ordinary(text)
            continue
        assert tok.encode_ordinary(text) == expected, name
        # A batch matches the added tokens (GPT-NeoX's space runs) as encode does.
        single = tok.encode(text, disallowed_special=()) if tok.added.always_search else expected
        assert tok.encode_batch([text] * 20, num_threads=2, disallowed_special=()) == [single] * 20, name


@pytest.fixture(scope="module")
def bert_vocab(tokenizer_files):
    from tokensmith.segmenters.pieces import compiled_segmenter

    model = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt").model
    vocab = model.segment_vocabulary()
    return vocab, compiled_segmenter(vocab)


def _segmented(pieces, vocab, method, kernel):
    from tokensmith.segmenters.pieces import segment_pieces

    try:
        return segment_pieces(pieces, vocab, method, kernel)
    except InputError as exc:
        return f"InputError: {exc}"


@FUZZ
@given(text=hostile_text, raw=st.lists(st.binary(max_size=24), max_size=4))
def test_segmentation_kernel_equals_the_methods(bert_vocab, text, raw):
    from tokensmith.segmenters.methods import METHODS

    vocab, kernel = bert_vocab
    pieces = [w.encode("utf-8") for w in text.split()] + raw  # raw: not even UTF-8
    for method in METHODS:
        if method == "likelihood" and vocab.scores is None:
            continue
        assert _segmented(pieces, vocab, method, kernel) == _segmented(pieces, vocab, method, None), method


# LZW (zip2zip): settings, and ids or codes in and out of range, past int64 too.
lzw_settings = st.tuples(st.integers(1, 300), st.integers(1, 64), st.integers(2, 9)).flatmap(
    lambda s: st.tuples(st.just(s), st.lists(st.integers(0, s[0] - 1), max_size=3, unique=True)))
hostile_ints = st.lists(st.one_of(st.integers(0, 400), st.sampled_from(
    [-1, -2**31, 2**31, 2**32, 2**32 + 5, 2**63 - 1, 2**63, -2**63 - 1, 2**100])), max_size=300)


def _lzw_outcome(call, *args):
    """The result, or the error class (the messages may show a value past int64 capped)."""
    try:
        return call(*args)
    except InputError:
        return InputError


@FUZZ
@given(settings_=lzw_settings, sequences=st.lists(hostile_ints, max_size=4))
def test_lzw_kernel_equals_its_twin_on_hostile_ids_and_codes(settings_, sequences):
    (vocab, capacity, max_subtokens), disabled = settings_
    args = (vocab, capacity, max_subtokens, sorted(disabled))
    for name in ("encode_batch", "decode_batch"):
        assert _lzw_outcome(getattr(_lzw, name), sequences, *args, 2) == \
            _lzw_outcome(getattr(lzw_twin, name), sequences, *args), name
    # Streaming: hostile chunks are refused whole; the state stays the twin's.
    ours, ref = _lzw.Encoder(*args), lzw_twin.Encoder(*args)
    for chunk in sequences:
        assert _lzw_outcome(ours.feed, chunk) == _lzw_outcome(ref.feed, chunk)
    assert ours.finish() == ref.finish()
    assert ours.codebook() == ref.codebook()
    ours, ref = _lzw.Decoder(*args), lzw_twin.Decoder(*args)
    for chunk in sequences:
        outcome = _lzw_outcome(ref.feed, chunk)
        assert _lzw_outcome(ours.feed, chunk) == outcome
        if outcome is InputError:
            break  # the decoder is unusable after a bad code
    else:
        assert ours.codebook() == ref.codebook()
