"""Robustness of segmentation: seeded perturbations, their measures, and the comparison report."""

from __future__ import annotations

import random

import tokensmith
from tokensmith.forensics.robustness import (KINDS, perturb, robustness, sample_words,
                                             token_edit_distance)


def test_perturbations():
    rng = random.Random(0)
    assert perturb("word", "no_space", rng) == (" word", "word", 1)
    assert perturb("word", "case", rng) == (" word", " Word", 1)
    assert perturb("café", "nfd", rng) == (" café", " cafe\u0301", 1)
    assert perturb("word", "nfd", rng) is None
    assert perturb("ab", "fullwidth", rng) == (" ab", " ａｂ", 2)
    orig, typo, edits = perturb("house", "swap", rng)
    assert sorted(typo) == sorted(orig) and typo != orig and edits == 1
    assert len(perturb("house", "insert", rng)[1]) == 7 and len(perturb("house", "delete", rng)[1]) == 5
    assert perturb("xyz", "homoglyph", rng)[1] != " xyz"


def test_token_edit_distance():
    assert token_edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert token_edit_distance([1, 2, 3], [1, 9, 3]) == 1
    assert token_edit_distance([1, 2, 3], [4]) == 3
    assert token_edit_distance([], [5, 6]) == 2


def test_seeded_and_sentencepiece_ignores_the_leading_space(tokenizer_files, english_sample):
    texts = english_sample.splitlines()[:2000]
    words = sample_words(texts, 200, seed=1)
    assert words == sample_words(texts, 200, seed=1) and words != sample_words(texts, 200, seed=2)
    gpt = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    llama = tokensmith.load(tokenizer_files / "llama2_tokenizer.model")
    a, b = robustness(gpt, words=words), robustness(gpt, words=words)
    assert a == b and set(a.kinds) >= set(KINDS) - {"nfd"}
    # SentencePiece adds the word-start mark itself: " word" and "word" encode alike
    assert robustness(llama, words=words).kinds["no_space"].changed_share == 0.0
    assert a.kinds["no_space"].changed_share > 0.2
    for kind in a.kinds.values():
        assert 0 <= kind.changed_share <= 1 and kind.token_edits_per_char_edit > 0
    assert a.typo_token_edits_per_char_edit >= 1       # an edit changes at least one token


def test_compare_report_shows_robustness(tokenizer_files, english_sample, tmp_path):
    from tokensmith.metrics import evaluate
    from tokensmith.report import as_data
    from tokensmith.report.tables import build_tables

    corpus = tmp_path / "en.txt"
    corpus.write_text(english_sample[:100_000], encoding="utf-8")
    evaluation = evaluate([f"r50k={tokenizer_files / 'r50k_base.tiktoken'}",
                           f"llama2={tokenizer_files / 'llama2_tokenizer.model'}"],
                          corpus=[corpus], audit=False, progress=False)
    table = next(t for t in build_tables(as_data(evaluation)) if t.key == "robustness")
    labels = [row[0] for row in table.rows]
    assert "typos: words re-segmented (>1 token changes)" in labels and "no_space: words re-segmented" in labels
    row = table.rows[labels.index("no_space: words re-segmented")]
    assert row[2] == "0.0%" and row[1] != "0.0%"
