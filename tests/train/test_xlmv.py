"""XLM-V allocation: languages cluster by shared lexical units; each cluster gets its capacity."""

from __future__ import annotations

import pytest

from tokensmith import OptionError, Tokenizer
from tokensmith.trainers import train
from tokensmith.trainers.xlmv import allocate, kmeans, train_xlmv, union_of_merges

LANGS = ["eng-US", "deu", "fra", "spa", "rus", "bul", "ukr", "hin", "mar", "nep", "ell"]


@pytest.fixture(scope="module")
def ntrex(ntrex_dir):
    return {lang: (ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8") for lang in LANGS}


@pytest.fixture(scope="module")
def trained(ntrex):
    # English has ten times the data of every other language, as in web-scale corpora
    corpora = {lang: [text[:300_000 if lang == "eng-US" else 30_000]] for lang, text in ntrex.items()}
    return train_xlmv(corpora, 3000, clusters=4), corpora


def test_languages_cluster_by_shared_units(trained):
    tok, _ = trained
    groups = {}
    for lang, c in tok.cluster_of.items():
        groups.setdefault(c, set()).add(lang)
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, [
        {"eng-US", "deu", "fra", "spa"}, {"rus", "bul", "ukr"}, {"hin", "mar", "nep"}, {"ell"}]))
    assert tok.vocab_size == 3000


def test_allocation_lowers_the_worst_premium(trained, ntrex):
    tok, corpora = trained
    single = train([t for c in corpora.values() for t in c], vocab_size=3000, progress=False)
    held = {lang: text[-40_000:] for lang, text in ntrex.items()}  # lines not trained on

    def worst_premium(t):
        english = len(t.encode(held["eng-US"]))
        return max(len(t.encode(held[lang])) / english for lang in LANGS)

    assert worst_premium(tok) < worst_premium(single)


def test_allocate_and_union():
    assert allocate({0: 1, 1: 3}, 10) == {0: 3, 1: 7}
    assert sum(allocate({0: 1, 1: 1, 2: 1}, 100).values()) == 100
    ab, ba = (97, 98), (98, 97)
    tokens, merges = union_of_merges({0: [ab, (256, 99)], 1: [ab, ba]}, {0: 2, 1: 2}, 10)
    assert tokens[256:] == [b"ab", b"abc", b"ba"]          # "ab" made once, orders kept
    assert merges == [(97, 98), (256, 99), (98, 97)]


def test_kmeans_and_options(trained, tmp_path):
    import numpy as np

    labels = kmeans(np.array([[1.0, 0, 0], [0.9, 0.1, 0], [0, 0, 1.0]]), 2)
    assert labels[0] == labels[1] != labels[2]
    with pytest.raises(OptionError):
        kmeans(np.eye(2), 3)
    with pytest.raises(OptionError):
        train_xlmv(["not a mapping"], 1000)
    tok, _ = trained
    tok.save(tmp_path / "xlmv.json")
    assert Tokenizer.load(tmp_path / "xlmv.json").encode("Привет, мир") == tok.encode("Привет, мир")
