"""Unigram LM trainer: compiled kernel vs readable twin, EM, vocabulary, round trips, compression
against sentencepiece on real text, determinism, bad input."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith import InputError, OptionError
from tokensmith.errors import SmallCorpusWarning
from tokensmith._reference.unigram_train import ReferenceEngine
from tokensmith.trainers import train
from tokensmith.models.unigram import em as unigram_em, words as unigram_words
from tokensmith.models.unigram.trainer import train_unigram, train_unigram_pieces
from tokensmith.models.unigram.scripts import script_ids

core = pytest.importorskip("tokensmith._core._unigram_train")


def normalized(text: str) -> str:
    """What the trained tokenizer's decode gives back: NFKC, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def small_text(english_sample) -> list[str]:
    return [english_sample[:30_000]]


@pytest.fixture(scope="module")
def medium_text(english_sample) -> list[str]:
    return [english_sample[:400_000]]


@pytest.fixture(scope="module")
def medium_tok(medium_text):
    return train_unigram(medium_text, 2000)


def engines(text: list[str], max_len: int = 8):
    words = unigram_words.count_words(text)
    chars = unigram_words.char_counts(words)
    covered = unigram_words.covered_characters(chars, 0.9995)
    segs, freqs = unigram_words.segments(words, covered)
    args = (segs, [float(f) for f in freqs], script_ids(covered), max_len)
    return core.Engine(*args, 2), ReferenceEngine(*args), {c: chars[c] for c in covered}


def test_compiled_engine_equals_reference(small_text):
    fast, slow, chars = engines(small_text)
    seeds_fast, scores_fast = fast.seed(3000)
    seeds_slow, scores_slow = slow.seed(3000)
    assert seeds_fast == seeds_slow
    np.testing.assert_array_equal(scores_fast, scores_slow)
    char_list = sorted(chars)
    fast.set_seed_pieces(char_list)
    slow.set_seed_pieces(char_list)
    rng = np.random.default_rng(0)
    logp = -rng.uniform(2, 12, fast.num_pieces)
    for step in range(2):
        ex_f, ll_f, bad_f = fast.estep(logp)
        ex_s, ll_s, bad_s = slow.estep(logp)
        np.testing.assert_allclose(ex_f, ex_s, rtol=1e-9, atol=1e-7)
        assert ll_f == pytest.approx(ll_s, abs=fast.num_segments / 65536)  # fixed-point sum
        assert bad_f == bad_s == 0
        for a, b in zip(fast.prune_stats(logp), slow.prune_stats(logp)):
            np.testing.assert_array_equal(a, b)
        keep = [i for i in range(fast.num_pieces) if i < len(char_list) or i % 3]
        fast.retain(keep)
        slow.retain(keep)
        logp = logp[keep]


def test_set_seed_pieces_equals_string_lookup(small_text):
    fast, _, chars = engines(small_text)
    seeds, _ = fast.seed(2000)
    char_list = sorted(chars)
    fast.set_seed_pieces(char_list)
    other, _, _ = engines(small_text)
    other.set_pieces(char_list + seeds)
    logp = -np.linspace(3, 9, fast.num_pieces)
    assert fast.num_edges == other.num_edges
    np.testing.assert_array_equal(fast.estep(logp)[0], other.estep(logp)[0])  # same edges, same sums


def test_seed_pieces_follow_sentencepiece_rules(small_text):
    fast, _, _ = engines(small_text, max_len=16)
    seeds, scores = fast.seed(10**6)
    assert len(seeds) > 1000 and list(scores) == sorted(scores, reverse=True)
    for s in seeds:
        assert 2 <= len(s) <= 16
        assert "\u2581" not in s[1:]  # the space marker only begins a piece
        assert not (any(c.isalpha() for c in s) and any(c in ",.;:!?" for c in s))  # one script


def test_em_increases_likelihood_every_round(medium_text):
    history: list[unigram_em.RoundLog] = []
    train_unigram_pieces(unigram_words.count_words(medium_text), 2000, num_sub_iterations=3,
                         history=history)
    rounds = [history[i:i + 3] for i in range(0, len(history), 3)]
    assert len(rounds) >= 4
    for steps in rounds:
        lls = [s.log_likelihood for s in steps]
        assert lls[0] < lls[1] < lls[2], steps


def test_vocabulary_size_exact_and_characters_covered(medium_tok, medium_text):
    assert medium_tok.vocab_size == 2000
    assert medium_tok.model.vocab_size == 2000
    pieces = {p for p, _ in medium_tok.model.pieces}
    chars = unigram_words.char_counts(unigram_words.count_words(medium_text))
    covered = unigram_words.covered_characters(chars, 0.9995)
    assert set(covered) <= pieces
    # Every covered character encodes without <unk>; a rare one is <unk>.
    text = " ".join(covered)
    assert 0 not in medium_tok.encode(text)


def test_viterbi_segmentation_round_trips_on_real_text(medium_tok, english_sample):
    held_out = english_sample[-20_000:]
    tok = train_unigram([english_sample[:400_000]], 2000, character_coverage=1.0)
    ids = tok.encode(held_out)
    if 0 in ids:  # a character the training text never had
        assert set(normalized(held_out)) - {p for p, _ in tok.model.pieces} - {" "}
    else:
        assert tok.decode(ids) == normalized(held_out)
    pieces = medium_tok.model.pieces
    # Viterbi: the chosen segmentation scores at least as high as the character split.
    word = "\u2581understanding"
    ids = medium_tok.encode("understanding")
    assert sum(pieces[i][1] for i in ids) >= sum(pieces[medium_tok.encode(c)[-1]][1] for c in word[1:])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("etaoinshrdlucmfwyp ,.'TIAE\n")), max_size=60).map("".join))
def test_round_trip_hypothesis(medium_tok, text):
    assert medium_tok.decode(medium_tok.encode(text)) == normalized(text)


def test_byte_fallback_and_special_tokens(medium_text):
    tok = train_unigram(medium_text, 1000, byte_fallback=True, special_tokens=["<s>", "</s>"])
    assert tok.vocab_size == 1000
    assert tok.special_tokens == {"<s>": 1, "</s>": 2}
    assert [p for p, _ in tok.model.pieces[3:5]] == ["<0x00>", "<0x01>"]
    text = "naïve café ☃ 𝄞 end"
    ids = tok.encode(text)
    assert 0 not in ids and tok.decode(ids) == normalized(text)
    assert tok.encode("<s>a", allowed_special="all")[0] == 1


def test_compression_close_to_sentencepiece(tmp_path, english_sample):
    spm = pytest.importorskip("sentencepiece")
    train_text = english_sample[:1_000_000]
    held_out = english_sample[-200_000:]
    path = tmp_path / "train.txt"
    path.write_text(train_text, encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(path), model_prefix=str(tmp_path / "spm"), vocab_size=4000,
                                   model_type="unigram", minloglevel=2, num_threads=2)
    sp = spm.SentencePieceProcessor(model_file=str(tmp_path / "spm.model"))
    ours = train_unigram(str(path), 4000)
    lines = [line for line in held_out.split("\n") if line.strip()]
    n_bytes = sum(len(line.encode()) for line in lines)
    theirs_bpt = n_bytes / sum(len(x) for x in sp.encode(lines))
    ours_bpt = n_bytes / sum(len(ours.encode(line)) for line in lines)
    assert ours_bpt == pytest.approx(theirs_bpt, rel=0.03), (ours_bpt, theirs_bpt)


def test_deterministic_whatever_the_threads(small_text):
    words = unigram_words.count_words(small_text * 3)
    one = train_unigram_pieces(words, 500, num_threads=1)
    two = train_unigram_pieces(words, 500, num_threads=2)
    assert one == two
    assert train_unigram_pieces(words, 500, num_threads=2) == two


def test_reference_engine_trains_the_same_vocabulary(small_text):
    words = unigram_words.count_words([small_text[0][:8000]])
    fast = train_unigram_pieces(words, 300, max_piece_length=8, seed_size=5000)
    slow = train_unigram_pieces(words, 300, max_piece_length=8, seed_size=5000, use_reference=True)
    # The same pieces and scores (the order of near-equal scores may differ by rounding).
    fast_d, slow_d = dict(fast), dict(slow)
    assert fast_d.keys() == slow_d.keys()
    np.testing.assert_allclose([fast_d[p] for p in fast_d], [slow_d[p] for p in fast_d], rtol=1e-8)


def test_registry(small_text):
    tok = train(small_text, method="unigram", vocab_size=300, special_tokens=["<s>"], progress=True)
    assert tok.vocab_size == 300 and tok.special_tokens == {"<s>": 1}
    with pytest.raises(OptionError):
        train(small_text, method="unigram", vocab_size=300, bogus=1)


def test_digamma_matches_scipy():
    scipy_special = pytest.importorskip("scipy.special")
    x = np.array([0.5, 0.9, 1.0, 3.3, 6.0, 17.5, 1e3, 1e8])
    np.testing.assert_allclose(unigram_em.digamma(x), scipy_special.digamma(x), rtol=1e-12)


def test_bad_input(tmp_path, small_text):
    with pytest.raises(InputError, match="no words"):
        train_unigram(["", "   \n "], 100)
    with pytest.raises(OptionError, match="characters"):
        train_unigram(small_text, 20)
    with pytest.raises(OptionError, match="reserved"):
        train_unigram(small_text, 200, byte_fallback=True)
    with pytest.raises(OptionError, match="characters"):  # 257 reserved leave too few for the alphabet
        train_unigram(small_text, 300, byte_fallback=True)
    with pytest.raises(OptionError, match="two or more"):
        train_unigram(small_text, 300, special_tokens=["x"])
    with pytest.warns(SmallCorpusWarning, match="unigram: the corpus supports 8 ids, fewer than vocab_size=50"):
        assert train_unigram(["abc abd abe"], 50).vocab_size == 8
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine text\n\xff\xfe broken\n")
    with pytest.raises(InputError, match="bad.txt.*byte 10"):
        train_unigram(str(bad), 100)
    with pytest.raises(InputError, match="missing.txt"):
        train_unigram([tmp_path / "missing.txt"], 100)
    for kwargs in ({"character_coverage": 0}, {"shrinking_factor": 1.0}, {"max_piece_length": 0},
                   {"num_sub_iterations": 0}, {"seed_size": 0}):
        with pytest.raises(OptionError):
            train_unigram(small_text, 500, **kwargs)


def test_trained_tokenizer_saves_and_loads(tmp_path, medium_tok, english_sample):
    from tokensmith import Tokenizer

    path = tmp_path / "unigram.json"
    medium_tok.save(path)
    loaded = Tokenizer.load(path)
    text = english_sample[-5000:]
    assert loaded.encode(text) == medium_tok.encode(text)
    assert loaded.decode(loaded.encode(text)) == medium_tok.decode(medium_tok.encode(text))
