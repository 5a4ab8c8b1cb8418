"""Segmentation methods on a Unigram vocabulary (Viterbi as ``likelihood``, PathPiece, subword
regularisation by sampling) through the Tokenizer API, and the CLI's method options."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import Counter

import pytest

import tokensmith
from tokensmith import Tokenizer
from tokensmith.errors import OptionError
from tokensmith.models.unigram.model import UnigramModel


@pytest.fixture(scope="module")
def t5(tokenizer_files):
    return tokensmith.load(tokenizer_files / "t5_small_tokenizer.json")


@pytest.fixture(scope="module")
def lines(ntrex_files):
    english = next(p for p in ntrex_files if "eng" in p.name)
    return english.read_text(encoding="utf-8").split("\n")[:200]


def test_likelihood_is_the_models_viterbi_and_least_tokens_is_shorter(t5, lines):
    likelihood, fewest = t5.with_segmenter("likelihood"), t5.with_segmenter("least_tokens")
    viterbi_total = fewest_total = 0
    for line in lines:
        ids = t5.encode(line)
        assert likelihood.encode(line) == ids
        shortest = fewest.encode(line)
        assert len(shortest) <= len(ids) and fewest.decode(shortest) == t5.decode(ids)
        viterbi_total, fewest_total = viterbi_total + len(ids), fewest_total + len(shortest)
    assert fewest_total < viterbi_total


def test_byte_fallback_pieces_cover_any_text(tokenizer_files):
    from tokensmith.models.unigram.model import UnigramModel, byte_piece

    pieces = [("<unk>", 0.0)] + [(byte_piece(b), 0.0) for b in range(256)] + [("▁a", -1.0), ("b", -2.0)]
    tok = Tokenizer(UnigramModel(pieces, unk_id=0, byte_fallback=True))
    for name in ("likelihood", "least_tokens", "longest_prefix"):
        seg = tok.with_segmenter(name)
        assert seg.decode(seg.encode_ordinary("▁ab€")) == "▁ab€"
    assert tok.with_segmenter("likelihood").encode_ordinary("▁ab") == tok.encode_ordinary("▁ab")


def test_nbest_one_is_viterbi_and_samples_decode_alike(t5, lines):
    viterbi = t5.with_segmenter("unigram_sampling", nbest_size=1)
    sampled = t5.with_segmenter("unigram_sampling", alpha=0.1, seed=3)
    differ = 0
    for line in lines:
        ids = t5.encode(line)
        assert viterbi.encode(line) == ids
        drawn = sampled.encode(line)
        assert sampled.decode(drawn) == t5.decode(ids)
        differ += drawn != ids
    assert differ > len(lines) // 2  # alpha 0.1 is a flat distribution: most lines change


def test_sampling_is_seeded(t5, lines):
    text = "\n".join(lines)
    a = t5.with_segmenter("unigram_sampling", alpha=0.2, seed=11).encode(text)
    assert t5.with_segmenter("unigram_sampling", alpha=0.2, seed=11).encode(text) == a
    assert t5.with_segmenter("unigram_sampling", alpha=0.2, seed=12).encode(text) != a


def test_draws_follow_exp_alpha_score():
    # "ab" has two paths: [ab] (score -1.5) and [a, b] (score -2.0)
    model = UnigramModel([("<unk>", 0.0), ("a", -1.0), ("b", -1.0), ("ab", -1.5)], unk_id=0)
    for alpha in (1.0, 0.3):
        expected = 1 / (1 + math.exp(alpha * (-2.0 + 1.5)))
        # Unseeded: every call draws anew.
        fresh = Tokenizer(model).with_segmenter("unigram_sampling", alpha=alpha, seed=None)
        counts = Counter(tuple(fresh.encode_ordinary("ab")) for _ in range(4000))
        assert set(counts) == {(3,), (1, 2)}
        assert abs(counts[(3,)] / 4000 - expected) < 0.03
        # Seeded: the pieces of one call draw independently of each other.
        seeded = Tokenizer(model).with_segmenter("unigram_sampling", alpha=alpha, seed=5)
        ids = seeded.model.encode_pieces([b"ab"] * 4000)
        assert ids.count(3) + ids.count(1) == 4000 and ids.count(1) == ids.count(2)
        assert abs(ids.count(3) / 4000 - expected) < 0.03


def test_bad_requests(t5, tokenizer_files):
    with pytest.raises(OptionError, match="Unigram vocabulary"):
        tokensmith.load(tokenizer_files / "r50k_base.tiktoken").with_segmenter("unigram_sampling")
    with pytest.raises(OptionError, match="alpha"):
        t5.with_segmenter("unigram_sampling", alpha=-1)
    with pytest.raises(OptionError, match="takes no option"):
        t5.with_segmenter("unigram_sampling", dropout=0.1)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "tokensmith", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_cli_segmenter_options(tokenizer_files):
    path = tokenizer_files / "r50k_base.tiktoken"
    text = "Tokenizers decide what a model can see."
    done = cli("encode", path, "--text", text, "--json", "--segmenter", "bpe_dropout",
               "-O", "dropout=1.0", "--option", "seed=4")
    assert done.returncode == 0, done.stderr
    tok = tokensmith.load(path)
    assert json.loads(done.stdout) == [tok.model.byte_ids[b] for b in text.encode()]
    lonely = cli("encode", path, "--text", text, "-O", "dropout=1.0")
    assert lonely.returncode == 2 and "--segmenter" in lonely.stderr
    malformed = cli("encode", path, "--text", text, "--segmenter", "bpe_dropout", "-O", "dropout")
    assert malformed.returncode == 2 and "NAME=VALUE" in malformed.stderr
    unknown = cli("encode", path, "--text", text, "--segmenter", "bpe_dropout", "-O", "p=0.1")
    assert unknown.returncode == 2 and "takes no option" in unknown.stderr


def test_cli_train_method_options(tmp_path, english_sample):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(english_sample[:300_000], encoding="utf-8")
    terms = tmp_path / "terms.txt"
    terms.write_text("habeas corpus\nmens rea\n", encoding="utf-8")
    out = tmp_path / "domain.json"
    done = cli("train", corpus, "--method", "domain", "--vocab-size", 600, "-O",
               f"protected-terms=@{terms}", "-O", "min_frequency=3", "-o", out, "--quiet")
    assert done.returncode == 0, done.stderr
    tok = tokensmith.load(out)
    for term in ("habeas corpus", "mens rea"):
        assert len(tok.encode(" " + term)) == 1 and tok.decode(tok.encode(" " + term)) == " " + term
    wrong = cli("train", corpus, "--vocab-size", 600, "-O", "transitoin=0.5", "-o", tmp_path / "x.json")
    assert wrong.returncode == 2 and "transitoin" in wrong.stderr
    assert not (tmp_path / "x.json").exists()
