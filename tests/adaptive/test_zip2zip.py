"""zip2zip's LZW over token ids: the codes of the reference package zip2zip-compression on real
text (token ids of real tokenizers), exact decoding, streaming, the compiled kernel against its
readable twin, and clear errors."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith._reference import lzw as twin
from tokensmith.adaptive import (PAPER_SETTINGS, LZWDecoder, LZWEncoder, lzw_decode, lzw_decode_batch,
                                 lzw_encode, lzw_encode_batch)
from tokensmith.errors import InputError, OptionError

z2z = pytest.importorskip("zip2zip_compression")
core = pytest.importorskip("tokensmith._core._lzw")

WINDOW = 1024  # ids per sequence, a model's context as the paper compresses it


def windows(ids: list[int], size: int = WINDOW) -> list[list[int]]:
    return [ids[k:k + size] for k in range(0, len(ids), size)]


@pytest.fixture(scope="module")
def real_sequences(tokenizer_files, shared_data, ntrex_dir) -> list[tuple[str, int, list[list[int]]]]:
    """(name, vocabulary size, windows of ids) for English, four NTREX languages and Python code."""
    with open(shared_data / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(30_000_000)
        english = f.read(120_000).decode("utf-8", "ignore")
    ntrex = "\n".join("\n".join((ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8")
                                .split("\n")[:150]) for lang in ("deu", "rus", "zho-CN", "hin"))
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    code = "\n".join((stdlib / name).read_text(encoding="utf-8") for name in ("textwrap.py", "bisect.py"))
    out = []
    for name, text in (("cl100k_base.tiktoken", english), ("llama2_tokenizer.model", ntrex),
                       ("roberta_base_tokenizer.json", code), ("cl100k_base.tiktoken", ntrex)):
        tok = tokensmith.load(tokenizer_files / name)
        out.append((name, tok.vocab_size, windows(tok.encode(text))))
    return out


SETTINGS = [dict(PAPER_SETTINGS), dict(max_codebook_size=64, max_subtokens=2),
            dict(max_codebook_size=300, max_subtokens=8), dict(max_codebook_size=5000, max_subtokens=3)]


@pytest.mark.parametrize("options", SETTINGS, ids=lambda o: f"C{o['max_codebook_size']}-M{o['max_subtokens']}")
def test_codes_equal_the_reference_packages_on_real_text(real_sequences, options):
    for name, vocab, seqs in real_sequences:
        pad = vocab - 1  # the reference always disables its pad id: give it one the text may hold
        reference = z2z.LZWCompressor(vocab, options["max_codebook_size"], options["max_subtokens"], pad, None)
        expected, _, books = reference.batch_encode(seqs, False, False, None)
        kwargs = dict(initial_vocab_size=vocab, disabled_ids=[pad], **options)
        codes = lzw_encode_batch(seqs, **kwargs)
        assert codes == expected, name
        assert sum(map(len, codes)) < sum(map(len, seqs))  # real text repeats: it compresses
        assert lzw_decode_batch(codes, **kwargs) == seqs
        # One sequence through the single-sequence API: the same codes and the same codebook.
        encoder = LZWEncoder(**kwargs)
        assert encoder.feed(seqs[0]) + encoder.finish() == expected[0]
        book = {code: tuple(ids) for code, ids in books[0].to_dict().items()}
        assert encoder.codebook() == book
        decoder = LZWDecoder(**kwargs)
        assert decoder.feed(expected[0]) == seqs[0] == list(reference.decode(expected[0])[0])
        assert decoder.codebook() == book


def test_the_paper_settings_shorten_real_text(real_sequences):
    name, vocab, seqs = real_sequences[0]
    codes = lzw_encode_batch(seqs, initial_vocab_size=vocab, **PAPER_SETTINGS)
    ratio = sum(map(len, codes)) / sum(map(len, seqs))
    assert 0.5 < ratio < 0.97, ratio  # English prose: some repetition within 1,024 tokens
    assert max(max(c) for c in codes) >= vocab  # hypertokens used


def test_streaming_equals_one_call(real_sequences):
    rng = random.Random(7)
    name, vocab, seqs = real_sequences[1]
    ids = [i for s in seqs[:4] for i in s]
    kwargs = dict(initial_vocab_size=vocab, max_codebook_size=500, max_subtokens=4)
    whole = lzw_encode(ids, **kwargs)
    encoder, decoder, codes, back = LZWEncoder(**kwargs), LZWDecoder(**kwargs), [], []
    at = 0
    while at < len(ids):
        step = rng.randint(0, 50)
        chunk = encoder.feed(ids[at:at + step])
        codes += chunk
        back += decoder.feed(chunk)  # a decoder follows the codes as they come
        at += step
    last = encoder.finish()
    codes += last
    back += decoder.feed(last)
    assert codes == whole
    assert back == ids


def test_compiled_kernel_equals_its_readable_twin(real_sequences):
    for name, vocab, seqs in real_sequences:
        for options in SETTINGS:
            args = (vocab, options["max_codebook_size"], options["max_subtokens"], [0, 13])
            codes = core.encode_batch(seqs, *args, 2)
            assert codes == twin.encode_batch(seqs, *args), name
            assert core.decode_batch(codes, *args, 2) == twin.decode_batch(codes, *args) == seqs


@st.composite
def streams(draw):
    """Settings and ids over a small alphabet (so that sequences repeat and hypertokens nest)."""
    vocab = draw(st.integers(2, 9))
    capacity = draw(st.integers(1, 40))
    max_subtokens = draw(st.integers(2, 7))
    disabled = draw(st.sets(st.integers(0, vocab - 1), max_size=2))
    ids = draw(st.lists(st.integers(0, vocab - 1), max_size=120))
    return dict(initial_vocab_size=vocab, max_codebook_size=capacity, max_subtokens=max_subtokens,
                disabled_ids=sorted(disabled)), ids


@settings(max_examples=400, deadline=None)
@given(streams(), st.data())
def test_round_trip_and_reference_on_any_ids(stream, data):
    kwargs, ids = stream
    codes = lzw_encode(ids, **kwargs)
    assert lzw_decode(codes, **kwargs) == ids
    assert len(codes) <= len(ids)
    assert all(c < kwargs["initial_vocab_size"] + kwargs["max_codebook_size"] for c in codes)
    assert codes == twin.encode_batch([ids], *_args(kwargs))[0]
    pad = kwargs["disabled_ids"][0] if kwargs["disabled_ids"] else None
    if pad is not None:  # the reference always has one disabled id, its pad id
        reference = z2z.LZWCompressor(kwargs["initial_vocab_size"], kwargs["max_codebook_size"],
                                      kwargs["max_subtokens"], pad, kwargs["disabled_ids"])
        assert codes == reference.encode(ids)[0]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(ids)), max_size=4)))
    encoder, streamed, start = LZWEncoder(**kwargs), [], 0
    for cut in cuts + [len(ids)]:
        streamed += encoder.feed(ids[start:cut])
        start = cut
    assert streamed + encoder.finish() == codes


def _args(kwargs):
    return (kwargs["initial_vocab_size"], kwargs["max_codebook_size"], kwargs["max_subtokens"],
            kwargs["disabled_ids"])


BASE = dict(initial_vocab_size=100, max_codebook_size=16, max_subtokens=4)


@pytest.mark.parametrize("bad, message", [
    (dict(max_codebook_size=0), "max_codebook_size=0 is too small"),
    (dict(max_subtokens=1), "max_subtokens must be at least 2"),
    (dict(initial_vocab_size=0), "initial_vocab_size must be at least 1"),
    (dict(disabled_ids=[100]), "disabled id 100 is not a base id"),
    (dict(max_codebook_size=2.5), "max_codebook_size must be an int"),
])
def test_bad_settings_are_option_errors(bad, message):
    with pytest.raises(OptionError, match=message):
        lzw_encode([1, 2], **{**BASE, **bad})
    with pytest.raises(OptionError, match=message):
        lzw_decode([1, 2], **{**BASE, **bad})


@pytest.mark.parametrize("pure", [False, True], ids=["compiled", "twin"])
def test_bad_ids_and_codes_are_input_errors(pure, monkeypatch):
    if pure:
        monkeypatch.setenv("TOKENSMITH_PURE_PYTHON", "1")
    with pytest.raises(InputError, match=r"token id 100 at position 2 is out of range \(initial_vocab_size 100\)"):
        lzw_encode([1, 2, 100], **BASE)
    with pytest.raises(InputError, match="token id -1 at position 0"):
        lzw_encode([-1], **BASE)
    with pytest.raises(InputError, match=r"sequence 1: token id 250"):
        lzw_encode_batch([[1], [3, 250]], **BASE)
    with pytest.raises(InputError, match=r"code 101 at position 1 is not defined .*next hypertoken 100"):
        lzw_decode([5, 101], **BASE)
    with pytest.raises(InputError, match="code 116 at position"):
        lzw_decode([1] * 40 + [116], **BASE)  # past a full codebook
    encoder = LZWEncoder(**BASE)
    with pytest.raises(InputError, match="position 1"):
        encoder.feed([5, 999])
    assert encoder.feed([5, 5]) == [5]  # the refused chunk left the stream as it was
    encoder.finish()
    with pytest.raises(InputError, match="finished"):
        encoder.feed([1])
