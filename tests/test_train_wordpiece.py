"""WordPiece training: the likelihood score, the tie-break, determinism and bad input."""

from __future__ import annotations

import pytest

from tokensmith.errors import InputError, OptionError
from tokensmith.train.wordpiece import train_wordpiece, train_wordpiece_from_counts


def test_first_merge_maximises_count_ab_over_count_a_count_b():
    # "xy" is rarer than "th" but x and y occur only together: likelihood prefers it,
    # where frequency (BPE) would pick t+h.
    counts = {"the": 50, "this": 40, "tab": 30, "xy": 5}
    vocab = train_wordpiece_from_counts(counts, 16, special_tokens=["[UNK]"])
    alphabet = ["##a", "##b", "##e", "##h", "##i", "##s", "##y", "t", "x"]
    assert vocab[:10] == ["[UNK]"] + alphabet
    assert vocab[10] == "xy"


def _brute_force_first_merge(counts, prefix="##"):
    unit, pairs = {}, {}
    for w, c in counts.items():
        seq = [w[0]] + [prefix + ch for ch in w[1:]]
        for s in seq:
            unit[s] = unit.get(s, 0) + c
        for p in zip(seq, seq[1:]):
            pairs[p] = pairs.get(p, 0) + c
    best = min(pairs, key=lambda p: (-pairs[p] / (unit[p[0]] * unit[p[1]]), -pairs[p], p))
    a, b = best
    return a + b[len(prefix):]


@pytest.mark.parametrize("seed", range(20))
def test_first_merge_against_brute_force(seed):
    import random

    rng = random.Random(seed)
    counts = {"".join(rng.choice("abcd") for _ in range(rng.randint(2, 6))): rng.randint(2, 9)
              for _ in range(15)}
    vocab = train_wordpiece_from_counts(counts, 1000, special_tokens=[], min_frequency=1)
    alphabet = len({w[0] for w in counts} | {"##" + ch for w in counts for ch in w[1:]})
    assert vocab[alphabet] == _brute_force_first_merge(counts)


def test_training_is_deterministic_and_encodes(english_sample):
    lines = english_sample[:300_000].split("\n")
    one = train_wordpiece(lines, 2000)
    two = train_wordpiece(list(reversed(lines)), 2000)
    assert one.model.tokens == two.model.tokens
    assert one.vocab_size == 2000
    text = "the quick brown fox jumps over the lazy dog"
    ids = one.encode_ordinary(text)
    assert one.model.token_id["[UNK]"] not in ids
    assert one.decode(ids) == text


def test_bad_training_input():
    with pytest.raises(InputError):
        train_wordpiece_from_counts({}, 100)
    with pytest.raises(OptionError, match="smaller than"):
        train_wordpiece_from_counts({"hello": 3}, 3)
    with pytest.raises(OptionError):
        train_wordpiece_from_counts({"hello": 3}, 100, min_frequency=0)


def _naive_trainer(counts, vocab_size, min_frequency, prefix="##"):
    """Recompute every score from scratch at every step: slow, obviously right."""
    seqs = {w: [w[0]] + [prefix + ch for ch in w[1:]] for w in counts}
    vocab = sorted({s for seq in seqs.values() for s in seq})
    while len(vocab) < vocab_size:
        unit, pairs = {}, {}
        for w, seq in seqs.items():
            for s in seq:
                unit[s] = unit.get(s, 0) + counts[w]
            for p in zip(seq, seq[1:]):
                pairs[p] = pairs.get(p, 0) + counts[w]
        pairs = {p: n for p, n in pairs.items() if n >= min_frequency}
        if not pairs:
            break
        a, b = min(pairs, key=lambda p: (-pairs[p] / (unit[p[0]] * unit[p[1]]), -pairs[p], p))
        merged = a + b[len(prefix):]
        if merged not in vocab:
            vocab.append(merged)
        for w, seq in seqs.items():
            out, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            seqs[w] = out
    return vocab


@pytest.mark.parametrize("seed", range(25))
def test_whole_training_equals_naive_recomputation(seed):
    import random

    rng = random.Random(seed)
    counts = {"".join(rng.choice("abcde") for _ in range(rng.randint(1, 7))): rng.randint(1, 12)
              for _ in range(30)}
    min_frequency = rng.choice([1, 2, 3])
    expected = _naive_trainer(counts, 60, min_frequency)
    assert train_wordpiece_from_counts(counts, 60, special_tokens=[], min_frequency=min_frequency) == expected
