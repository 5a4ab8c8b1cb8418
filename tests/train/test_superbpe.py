"""SuperBPE: merges cross whitespace only in stage 2, never before the transition point."""

from __future__ import annotations

import importlib
import os
import re

import pytest

from tokensmith import OptionError, Tokenizer
from tokensmith._reference import bpe_train as reference
from tokensmith.trainers.method_utils import count_pieces, merge_token_bytes
from tokensmith.pre_tokenizers.splitters import RegexSplitter
from tokensmith.trainers.superbpe import (OFFICIAL_STAGE2_REGEX, SUPERWORD_PATTERN, train_superbpe,
                                       transition_size, word_count)

VOCAB, TRANSITION = 640, 520
CROSSES = re.compile(rb"\S ")  # a word's last byte then a space: a word boundary inside


def hf_tokenizers():
    """HF tokenizers, the reference: required in CI, skipped elsewhere when missing."""
    if os.environ.get("CI"):
        return importlib.import_module("tokenizers")
    return pytest.importorskip("tokenizers")


@pytest.fixture(scope="module")
def english(english_sample):
    return english_sample[:120_000], english_sample[1_000_000:1_030_000]


@pytest.fixture(scope="module")
def trained(english):
    return train_superbpe([english[0]], VOCAB, transition=TRANSITION)


def test_whitespace_is_crossed_only_after_the_transition(trained):
    tokens = trained.model.token_bytes()
    assert len(tokens) == VOCAB
    assert not [t for t in tokens[:TRANSITION] if CROSSES.search(t)]
    superwords = [t for t in tokens[TRANSITION:] if CROSSES.search(t)]
    assert len(superwords) >= 10, superwords[:20]
    assert all(word_count(t) <= 4 for t in tokens)


def test_held_out_text_uses_superwords_and_round_trips(trained, english):
    held_out = english[1]
    ids = trained.encode(held_out)
    assert trained.decode(ids) == held_out
    crossing = [i for i in ids if CROSSES.search(trained.token_bytes(i))]
    assert crossing and min(crossing) >= TRANSITION


def test_stage_two_pieces_are_the_official_isolated_split(english, ntrex_files):
    # The official stage 2 pre-tokenizes with HF Split(regex, behavior="isolated"): the matches
    # and the text between them are pieces. SUPERWORD_PATTERN must give exactly those pieces.
    tokenizers = hf_tokenizers()
    official = tokenizers.pre_tokenizers.Split(tokenizers.Regex(OFFICIAL_STAGE2_REGEX), behavior="isolated")
    texts = [english[0][:60_000], english[1]]
    texts += ["\n".join(path.read_text(encoding="utf-8").split("\n")[:20]) for path in ntrex_files[::10]]
    splitter = RegexSplitter(SUPERWORD_PATTERN)
    for text in texts:
        want = [piece for piece, _ in official.pre_tokenize_str(text)]
        assert splitter.split(text) == want
    # superwords may cross ", ", ". " and line breaks; digits and punctuation runs stay apart
    assert splitter.split('He said, "Stop... now."\nThen 2024 came.') == [
        'He said, "Stop', "...", " now", '."\n', "Then ", "202", "4", " came."]


def test_superwords_cross_clause_punctuation_and_line_breaks(trained, english):
    superwords = trained.model.token_bytes()[TRANSITION:]
    assert [t for t in superwords if re.search(rb"[,.;] \w", t)], superwords  # e.g. ", and"
    assert [t for t in superwords if re.search(rb"\w\n|\n\w", t)], superwords  # e.g. "\nthe"
    held_out = [trained.token_bytes(i) for i in trained.encode(english[1])]
    assert [t for t in held_out if re.search(rb"[,.;] \w", t)]


def test_max_words_none_is_the_official_uncapped_stage_two(english):
    text = [english[0][:30_000]]
    uncapped = train_superbpe(text, 420, transition=350, max_words=None)
    stage1 = reference.train_bpe_from_counts(count_pieces(text, "cl100k"), 350 - 256)
    stage2 = reference.train_bpe_from_counts(count_pieces(text, SUPERWORD_PATTERN), 420 - 350, 2, stage1)
    assert uncapped.model.token_bytes() == merge_token_bytes(stage1 + stage2)
    for bad in (0, 2.5, "4"):
        with pytest.raises(OptionError, match="max_words"):
            train_superbpe(text, 420, transition=350, max_words=bad)


def test_transition_at_the_full_vocabulary_is_plain_bpe(english):
    text = [english[0][:40_000]]
    tok = train_superbpe(text, 400, transition=400)
    plain = reference.train_bpe_from_counts(count_pieces(text, "cl100k"), 400 - 256)
    assert tok.model.token_bytes() == merge_token_bytes(plain)
    assert not [t for t in tok.model.token_bytes() if CROSSES.search(t)]


def test_stage_two_is_the_reference_trainer_resumed_from_stage_one(english):
    text = [english[0][:30_000]]
    tok = train_superbpe(text, 420, transition=350, max_words=2)
    stage1 = reference.train_bpe_from_counts(count_pieces(text, "cl100k"), 350 - 256)
    stage2 = reference.train_bpe_from_counts(count_pieces(text, SUPERWORD_PATTERN), 420 - 350, 2,
                                             stage1, lambda b: word_count(b) <= 2)
    assert tok.model.token_bytes() == merge_token_bytes(stage1 + stage2)
    assert [t for t in tok.model.token_bytes()[350:] if CROSSES.search(t)]


def test_max_words_caps_superwords(english):
    tok = train_superbpe([english[0][:60_000]], 520, transition=400, max_words=2)
    assert max(word_count(t) for t in tok.model.token_bytes()) <= 2


def test_transition_option():
    assert transition_size("auto", 200_000) == 180_000
    assert transition_size(0.5, 1000) == 500 and transition_size(300, 1000) == 300
    for bad in (1001, 100, -0.5, "half"):
        with pytest.raises(OptionError):
            transition_size(bad, 1000)


def test_native_round_trip(trained, english, tmp_path):
    path = tmp_path / "superbpe.json"
    trained.save(path)
    loaded = Tokenizer.load(path)
    assert loaded.encode(english[1][:5000]) == trained.encode(english[1][:5000])


def test_hf_export_gives_the_same_ids(trained, english, tmp_path):
    tokenizers = hf_tokenizers()
    trained.save(tmp_path / "tokenizer.json", format="hf")
    reference = tokenizers.Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    text = english[1][:20_000]
    assert reference.encode(text).ids == trained.encode(text)
