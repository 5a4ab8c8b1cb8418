"""tokensmith gives tiktoken's ids on real text, for the three published .tiktoken vocabularies.

tiktoken is built from the same file with its own encoding spec (pattern string included) taken
from tiktoken_ext, with the download replaced by the local file.
"""

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.errors import InputError
from tokensmith.formats.tiktoken_file import load_tiktoken

tiktoken = pytest.importorskip("tiktoken")
openai_public = pytest.importorskip("tiktoken_ext.openai_public")

SPEC = {"r50k": openai_public.r50k_base, "cl100k": openai_public.cl100k_base,
        "o200k": openai_public.o200k_base}


def reference_encoding(path, name):
    local = lambda *args, **kwargs: tiktoken.load.load_tiktoken_bpe(str(path))  # noqa: E731
    with mock.patch.object(openai_public, "load_tiktoken_bpe", local):
        return tiktoken.Encoding(**SPEC[name]())


@pytest.fixture(scope="session")
def pairs(tokenizer_files):
    """name -> (tokensmith tokenizer, tiktoken encoding), each vocabulary loaded once."""
    out = {}
    for name in SPEC:
        path = tokenizer_files / f"{name}_base.tiktoken"
        out[name] = (load_tiktoken(path, pattern=name), reference_encoding(path, name))
    return out


@pytest.fixture(scope="session")
def ntrex_texts(ntrex_files):
    return [(p.name, p.read_text(encoding="utf-8")) for p in ntrex_files]


@pytest.mark.parametrize("name", list(SPEC))
def test_english_sample(pairs, english_sample, name):
    ours, ref = pairs[name]
    assert ours._fast is not None, "the compiled encoder should be in use"
    assert ours.encode_ordinary(english_sample) == ref.encode_ordinary(english_sample)


@pytest.mark.parametrize("name", list(SPEC))
def test_every_ntrex_language(pairs, ntrex_texts, name):
    ours, ref = pairs[name]
    texts = [text for _, text in ntrex_texts]
    expected = ref.encode_ordinary_batch(texts, num_threads=2)
    got = ours.encode_batch(texts, num_threads=2)
    differing = [fname for (fname, _), a, b in zip(ntrex_texts, got, expected) if a != b]
    assert not differing, f"{name}: ids differ from tiktoken on {differing[:5]}"


def test_gpt2_llama_cpp_vectors(pairs, tokenizer_files):
    vectors = tokenizer_files / "llama_cpp_vectors"
    inputs = (vectors / "ggml-vocab-gpt-2.gguf.inp").read_text(encoding="utf-8")
    cases = inputs.split("\n__ggml_vocab_test__\n")
    cases[-1] = cases[-1].removesuffix("\n__ggml_vocab_test__").removesuffix("\n")
    lines = (vectors / "ggml-vocab-gpt-2.gguf.out").read_text(encoding="utf-8").split("\n")[: len(cases)]
    assert len(cases) == len(lines) > 20
    ours, _ = pairs["r50k"]
    for case, line in zip(cases, lines):
        assert ours.encode_ordinary(case) == [int(x) for x in line.split()], repr(case)


SAMPLES = ["👩‍👩‍👧‍👦", "🇫🇷🏳️‍🌈", "e\u0301\u0327", "Z̷̧a̴l̵g̶o", "漢字かなカナ한국어", "שלום עולם",
           "مرحبا", "\u202eRTL\u202c", "\x00\x01\x1b[0m\t\r\n\x7f", "\u200b\ufeff", "ﬁ", "1234567",
           "  \n\n  ", "'s'LL'Ve"]
text_strategy = st.lists(
    st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), st.sampled_from(SAMPLES)),
    max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=text_strategy)
def test_round_trip_and_same_ids_as_tiktoken(pairs, text):
    for name in ("cl100k", "o200k"):
        ours, ref = pairs[name]
        ids = ours.encode_ordinary(text)
        assert ours.decode(ids) == text
        assert ids == ref.encode_ordinary(text)


def test_lone_surrogate_is_a_clear_error(pairs):
    ours, _ = pairs["cl100k"]
    for call in (ours.encode_ordinary, ours.encode, ours.encode_to_numpy):
        with pytest.raises(InputError, match="surrogate"):
            call("fine text \ud83d then more")
    with pytest.raises(InputError, match="surrogate"):
        ours.encode_batch(["ok", "bad \udc00"], num_threads=2)


def test_load_by_generic_entry_point_is_the_same(pairs, tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    text = "Hello world, this isn't a test... 12345 !!"
    assert tok.encode(text) == pairs["r50k"][1].encode(text)
