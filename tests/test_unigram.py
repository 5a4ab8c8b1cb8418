"""UnigramModel: Viterbi equals exhaustive search, the compiled lattice equals its Python twin,
n-best and sampling follow their definitions, unknown characters, files."""

from __future__ import annotations

import functools
import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith._reference import lattice as ref
from tokensmith.decoders.common import MetaspaceDecoder
from tokensmith.errors import InputError, OptionError
from tokensmith.formats import load
from tokensmith.normalizers.common import SentencePieceNormalizer
from tokensmith.tokenizer import Tokenizer
from tokensmith.models.unigram.model import UnigramModel, byte_piece

ALPHABET = "ab▁é"


@st.composite
def small_models(draw):
    pieces = draw(st.sets(st.text(ALPHABET, min_size=1, max_size=3), min_size=1, max_size=10))
    scores = draw(st.lists(st.integers(-40, -1), min_size=len(pieces), max_size=len(pieces)))
    vocab = [("<unk>", 0.0)] + [(p, s / 4) for p, s in zip(sorted(pieces), scores)]
    text = draw(st.text(ALPHABET, max_size=7))
    return UnigramModel(vocab), text.encode()


def _path_score(model, text, ids):
    edges = model.lattice(text)
    pos, total = 0, 0.0
    for piece_id in ids:
        match = [e for e in edges[pos] if e[1] == piece_id]
        assert match, "path leaves the lattice"
        pos, total = match[0][0], total + match[0][2]
    assert pos == len(text)
    return total


@settings(max_examples=200, deadline=None)
@given(small_models())
def test_viterbi_equals_exhaustive_search(case):
    model, text = case
    paths = ref.all_paths(model.lattice(text))
    best = max(score for _ids, score in paths)
    ids = model._viterbi_raw(text)
    assert math.isclose(_path_score(model, text, ids), best, abs_tol=1e-9)
    assert list(ids) == ref.viterbi(model.lattice(text))  # compiled == reference, tie-breaks too


@settings(max_examples=100, deadline=None)
@given(small_models(), st.integers(1, 6))
def test_nbest_equals_exhaustive_top_n(case, n):
    model, text = case
    paths = ref.all_paths(model.lattice(text))
    expected = sorted((s for _i, s in paths), reverse=True)[:n]
    got = model.nbest_raw(text, n)
    assert [round(s, 9) for _i, s in got] == [round(s, 9) for s in expected]
    assert len({tuple(i) for i, _s in got}) == len(got)
    assert got == [(list(i), s) for i, s in ref.nbest(model.lattice(text), n)]


def _tiny():
    model = UnigramModel([("<unk>", 0.0), ("a", -1.0), ("b", -1.5), ("ab", -2.0), ("ba", -3.0),
                          ("aba", -2.5)])
    return model, b"abab"


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_sampling_frequencies_match_definition(alpha):
    scipy_stats = pytest.importorskip("scipy.stats")
    model, text = _tiny()
    paths = ref.all_paths(model.lattice(text))
    weights = {tuple(i): math.exp(alpha * s) for i, s in paths}
    z = sum(weights.values())
    draws = 4000
    rng = random.Random(7)
    counts = Counter(tuple(model.sample(text, alpha, seed=rng.getrandbits(32))) for _ in range(draws))
    assert set(counts) <= set(weights)
    keys = sorted(weights)
    observed = [counts.get(k, 0) for k in keys]
    expected = [draws * weights[k] / z for k in keys]
    assert scipy_stats.chisquare(observed, expected).pvalue > 1e-4
    # The readable sampler draws from the same distribution.
    ref_counts = Counter(tuple(ref.sample(model.lattice(text), alpha, rng)) for _ in range(1500))
    ref_observed = [ref_counts.get(k, 0) for k in keys]
    assert scipy_stats.chisquare(ref_observed, [1500 * weights[k] / z for k in keys]).pvalue > 1e-4


def test_sampling_is_seeded_and_nbest_size_one_is_viterbi():
    model, text = _tiny()
    assert model.sample(text, 0.3, seed=5) == model.sample(text, 0.3, seed=5)
    assert model.sample(text, 0.3, nbest_size=1) == model.encode_pieces([text])
    top2 = [tuple(i) for i in model.nbest(text, 2)]
    for seed in range(30):
        assert tuple(model.sample(text, 1.0, nbest_size=2, seed=seed)) in top2
    with pytest.raises(OptionError):
        model.sample(text, -1.0)
    with pytest.raises(OptionError):
        model.nbest(text, 0)


def test_unknown_characters():
    pieces = [("<unk>", 0.0), ("▁", -1.0), ("a", -1.0), ("b", -2.0)]
    fused = UnigramModel(pieces)
    assert fused.encode_pieces(["▁axyb".encode()]) == [1, 2, 0, 3]  # x and y: one fused unk
    assert UnigramModel(pieces, fuse_unk=False).encode_pieces(["axy".encode()]) == [2, 0, 0]
    with pytest.raises(InputError, match="not covered"):
        UnigramModel(pieces[1:], unk_id=None).encode_pieces([b"ax"])
    with pytest.raises(OptionError, match="byte_fallback"):
        UnigramModel(pieces, byte_fallback=True)
    with pytest.raises(OptionError, match="outside"):
        UnigramModel(pieces, unk_id=9)


@functools.lru_cache(maxsize=1)
def _byte_fallback_tokenizer():
    pieces = [("<unk>", 0.0), ("<s>", 0.0)] + [(byte_piece(b), 0.0) for b in range(256)]
    pieces += [("▁", -2.0), ("▁the", -3.0), ("e", -3.5), ("t", -3.5), ("h", -4.0), ("a", -4.0)]
    model = UnigramModel(pieces, unk_id=0, byte_fallback=True, special_ids=[1])
    return Tokenizer(model, normalizer=SentencePieceNormalizer(remove_extra_whitespaces=False),
                     decoder=MetaspaceDecoder(), special_tokens={"<s>": 1})


def test_byte_fallback_spells_bytes_and_decodes():
    tok = _byte_fallback_tokenizer()
    ids = tok.encode("the ü")
    assert ids[:1] == [tok.model.vocab["▁the".encode()]]
    assert ids[-2:] == [2 + 0xC3, 2 + 0xBC]  # ü as <0xC3><0xBC>
    assert tok.decode(ids) == "the ü"
    assert "<s>" not in [tok.model.pieces[i][0] for i in tok.encode("<s>", disallowed_special=())]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_round_trip_any_text(text):
    tok = _byte_fallback_tokenizer()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    if "\u2581" in text:  # a literal ▁ decodes as a space (as in SentencePiece)
        return
    ids = tok.encode(text, disallowed_special=())
    assert tok.decode(ids) == text
    assert ids == tok.model.encode_pieces_reference([tok.normalizer.normalize(text).encode()])


def test_native_round_trip(tmp_path):
    tok = _byte_fallback_tokenizer()
    tok.save(tmp_path / "u.json")
    again = load(tmp_path / "u.json")
    assert again.encode("the theta ü!") == tok.encode("the theta ü!")
    assert again.model.to_dict() == tok.model.to_dict()


def test_empty_text():
    tok = _byte_fallback_tokenizer()
    assert tok.encode("") == [] and tok.decode([]) == ""
    assert tok.model.nbest(b"", 3) == [[]]
    assert tok.model.sample(b"", 0.5, seed=1) == []
