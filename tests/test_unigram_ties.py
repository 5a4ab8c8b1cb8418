"""Unigram ties fall as the reference libraries let them fall.

Equal-scoring segmentations are common in runs of one character ("--------", "0000000"): which
one wins depends on the rounding of the sums. SentencePiece (``.model``) sums in float32; HF
``tokenizers`` (``tokenizer.json``) in float64, over scores parsed by ``serde_json``'s inexact
float reader. Both are checked against the libraries on such runs and on NTREX.
"""

from __future__ import annotations

import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.formats.json_numbers import serde_f64
from tokensmith.models.unigram.model import UnigramModel

RUNS = [ch * n for ch in "-.!?,;:*=#~_+/|()'\"0123456789" for n in range(1, 65)]
SCRIPTS = ("eng-GB", "deu", "rus", "ell", "zho-CN", "arb", "hin")


def _lines(ntrex_dir, lang: str, n: int = 100) -> list[str]:
    path = ntrex_dir / f"newstest2019-ref.{lang}.txt"
    return path.read_text(encoding="utf-8").split("\n")[:n]


# -- SentencePiece .model files ---------------------------------------------------------------

def _train_unigram(ntrex_dir, path, langs, vocab_size, punctuation_runs):
    """A Unigram model trained by SentencePiece on NTREX (with lines holding runs of
    punctuation, as forum text has, when ``punctuation_runs``)."""
    spm = pytest.importorskip("sentencepiece")
    lines = [line for lang in langs for line in _lines(ntrex_dir, lang, 2000)]
    rng = random.Random(0)
    if punctuation_runs:
        lines += [f"{rng.choice(lines)} {ch * rng.randint(2, 12)} {rng.choice(lines)}"
                  for ch in "-.!=*_" for _ in range(40)]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model,
                                   vocab_size=vocab_size, model_type="unigram",
                                   character_coverage=1.0, minloglevel=2)
    path.write_bytes(model.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path))


@pytest.fixture(scope="module")
def spm_models(tmp_path_factory, ntrex_dir):
    folder = tmp_path_factory.mktemp("unigram_ties")
    configs = [("en", ["eng-GB"], 1000, False), ("en_de", ["eng-GB", "deu"], 2000, True),
               ("de", ["deu"], 1500, True)]
    return [(_train_unigram(ntrex_dir, folder / f"{name}.model", langs, size, runs),
             tokensmith.load(folder / f"{name}.model")) for name, langs, size, runs in configs]


def test_sentencepiece_unigram_runs_of_one_character(spm_models):
    for reference, ours in spm_models:
        assert [ours.encode(t) for t in RUNS] == reference.encode(RUNS)


def test_sentencepiece_unigram_ntrex(spm_models, ntrex_dir):
    for reference, ours in spm_models:
        for lang in SCRIPTS:
            lines = _lines(ntrex_dir, lang)
            assert ours.encode_batch(lines) == reference.encode(lines), lang


# -- HF tokenizer.json ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def t5(tokenizer_files):
    tokenizers = pytest.importorskip("tokenizers")
    path = tokenizer_files / "t5_small_tokenizer.json"
    return tokenizers.Tokenizer.from_file(str(path)), tokensmith.load(path)


def test_t5_runs_of_one_character(t5):
    reference, ours = t5
    expected = [e.ids for e in reference.encode_batch(RUNS, add_special_tokens=False)]
    assert [ours.encode(t) for t in RUNS] == expected


def test_t5_ntrex(t5, ntrex_dir):
    reference, ours = t5
    for lang in SCRIPTS + ("jpn", "kor", "tha", "fra"):
        lines = _lines(ntrex_dir, lang)
        assert ours.encode_batch(lines) == [e.ids for e in reference.encode_batch(lines, add_special_tokens=False)]


def test_t5_scores_are_the_doubles_hf_reads(t5):
    reference, ours = t5
    theirs = json.loads(reference.to_str())["model"]["vocab"]
    assert [s for _p, s in ours.model.pieces] == [s for _p, s in theirs]


_NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.floats(-100, 0, width=32).map(lambda x: f"{x:.{random.Random(x).randint(5, 25)}f}"),
    st.builds(lambda m, f, e: f"-{m}.{f}e{e}", st.integers(0, 10**25), st.integers(0, 10**30),
              st.integers(-330, 300)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBERS.filter(lambda s: "inf" not in s and abs(float(s)) < 1e300), min_size=1, max_size=8))
def test_serde_f64_equals_hf_parsing(numbers):
    tokenizers = pytest.importorskip("tokenizers")
    vocab = ",".join(f'["p{i}", {n}]' for i, n in enumerate(numbers))
    document = ('{"version": "1.0", "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], '
                + vocab + "]}}")
    parsed = json.loads(tokenizers.Tokenizer.from_str(document).to_str())["model"]["vocab"][1:]
    assert [serde_f64(n) for n in numbers] == [s for _p, s in parsed]


# -- the compiled float32 lattice equals its Python twin --------------------------------------

@st.composite
def float32_models(draw):
    pieces = draw(st.sets(st.text("ab▁-", min_size=1, max_size=3), min_size=1, max_size=10))
    # Scores of a few distinct values, so that many paths tie exactly.
    values = draw(st.lists(st.floats(-20, -0.5, width=32), min_size=1, max_size=3))
    scores = draw(st.lists(st.sampled_from(values), min_size=len(pieces), max_size=len(pieces)))
    text = draw(st.text("ab▁-é", max_size=40))
    return UnigramModel([("<unk>", 0.0)] + list(zip(sorted(pieces), scores)), float32_sums=True), text.encode()


@settings(max_examples=300, deadline=None)
@given(float32_models())
def test_float32_viterbi_compiled_equals_reference(case):
    model, text = case
    assert list(model._viterbi_raw(text)) == model.viterbi_reference(text)
