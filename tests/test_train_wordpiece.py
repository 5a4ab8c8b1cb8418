"""WordPiece training: both scores against naive recomputation, compiled = reference on real text,
compression against HF's trainer, the word counter, round trips, the CLI and bad input."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith.normalizers.bert import BertNormalizer
from tokensmith.pre_tokenizers.bert import BertPreTokenizer
from tokensmith.errors import InputError, OptionError
from tokensmith.models.wordpiece.trainer import initial_symbols, train_wordpiece, train_wordpiece_from_counts
from tokensmith.models.wordpiece.words import bert_words, count_bert_words, count_chunks

CORES = [True, False]  # use_reference


def test_likelihood_prefers_parts_seen_together_frequency_prefers_counts():
    # The paper's defining property: "xy" is rarer than "th", but x and y occur only together,
    # so merging them gains most likelihood; frequency (BPE, HF) merges t + ##h first.
    counts = {"the": 50, "this": 40, "tab": 30, "xy": 5}
    alphabet = ["a", "b", "e", "h", "i", "s", "t", "x", "y", "##a", "##b", "##e", "##h", "##i", "##s", "##y"]
    for use_reference in CORES:
        likely = train_wordpiece_from_counts(counts, 18, score="likelihood", special_tokens=["[UNK]"],
                                             min_frequency=2, use_reference=use_reference)
        assert likely[:17] == ["[UNK]"] + alphabet
        assert likely[17] == "xy"
        frequent = train_wordpiece_from_counts(counts, 18, special_tokens=["[UNK]"], use_reference=use_reference)
        assert frequent[17] == "th"


def _naive(counts, vocab_size, min_frequency, score, halving=False, prefix="##"):
    """Recompute every count from scratch at every step: slow, obviously right."""
    seqs = {w: [w[0]] + [prefix + ch for ch in w[1:]] for w in counts}
    vocab = sorted({ch for w in counts for ch in w}) + sorted({s for q in seqs.values() for s in q[1:]})
    threshold = None
    while len(vocab) < vocab_size:
        unit, pairs = {}, {}
        for w, seq in seqs.items():
            for s in seq:
                unit[s] = unit.get(s, 0) + counts[w]
            for p in zip(seq, seq[1:]):
                pairs[p] = pairs.get(p, 0) + counts[w]
        if threshold is None:  # halving: half the top count at first
            threshold = max(min_frequency, max(pairs.values(), default=0) // 2) if halving else min_frequency
        while threshold > min_frequency and not any(n >= threshold for n in pairs.values()):
            threshold = max(min_frequency, threshold // 2)
        pairs = {p: n for p, n in pairs.items() if n >= threshold}
        if not pairs:
            break
        if score == "frequency":
            a, b = min(pairs, key=lambda p: (-pairs[p], p))
        else:
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


@pytest.mark.parametrize("score, guard", [("frequency", "fixed"), ("likelihood", "fixed"),
                                          ("likelihood", "halving")])
@pytest.mark.parametrize("use_reference", CORES)
@pytest.mark.parametrize("seed", range(15))
def test_whole_training_equals_naive_recomputation(seed, use_reference, score, guard):
    rng = random.Random(seed)
    counts = {"".join(rng.choice("abcde") for _ in range(rng.randint(1, 7))): rng.randint(1, 12)
              for _ in range(30)}
    min_frequency = rng.choice([1, 2, 3]) if guard == "fixed" else None
    expected = _naive(counts, 70, min_frequency or 2, score, halving=guard == "halving")
    got = train_wordpiece_from_counts(counts, 70, score=score, special_tokens=[],
                                      min_frequency=min_frequency, use_reference=use_reference)
    assert got == expected


@pytest.fixture(scope="module")
def sample_words(english_sample):
    return count_bert_words([english_sample[:600_000]], BertNormalizer(), BertPreTokenizer())


@pytest.mark.parametrize("score, vocab, min_frequency", [("frequency", 3000, None), ("likelihood", 1500, 20),
                                                         ("likelihood", 1500, None)])
def test_compiled_equals_reference_on_real_text(sample_words, score, vocab, min_frequency):
    fast = train_wordpiece_from_counts(sample_words, vocab, score=score, min_frequency=min_frequency)
    slow = train_wordpiece_from_counts(sample_words, vocab, score=score, min_frequency=min_frequency,
                                       use_reference=True)
    assert fast == slow
    assert len(fast) == vocab and len(set(fast)) == vocab


@pytest.mark.parametrize("score, halving", [("frequency", False), ("likelihood", False), ("likelihood", True)])
def test_compiled_heap_rebuilds_change_nothing(sample_words, score, halving):
    from tokensmith._core import _wordpiece_train
    from tokensmith._reference import wordpiece_train as reference

    tokens, syms, lengths, counts = initial_symbols(sample_words, ["[UNK]"], "##", 1000)
    ends = lengths.cumsum()
    words = [syms[e - n:e].tolist() for e, n in zip(ends, lengths)]
    if score == "frequency":
        expected = reference.train_frequency(words, counts.tolist(), tokens, "##", 800, 10)
    else:
        expected = reference.train_likelihood(words, counts.tolist(), tokens, "##", 800, 10, halving)
    for min_rebuild in (1, 500):  # rebuild whenever stale entries pile up / now and then
        got = _wordpiece_train.train_merges(syms, lengths, counts, tokens, "##", 800, 10, score,
                                            min_rebuild, halving)
        assert [tuple(m) for m in got] == expected


def test_word_counts_equal_normalizing_whole_texts(english_sample):
    # A slice with accents, curly quotes and dashes, plus the whitespace/control cases that differ
    # between Python's str.split() and BERT (dropped controls join their neighbours).
    texts = [english_sample[:200_000], "caf\u00e9 na\u00efve \u00c9T\u00c9 \u039f\u0394\u039f\u03a3 \u03a3\u03b1",
             "a\x0bb c\x1cd\x85e \u00a0f\u3000g \u4e2d\u6587x \u200bzero\ufeff", "end\x00ed \tTab\r\nline"]
    for lowercase in (True, False):
        norm, split = BertNormalizer(lowercase=lowercase), BertPreTokenizer()
        expected: dict[str, int] = {}
        for text in texts:
            for w in split.split(norm.normalize(text)):
                expected[w] = expected.get(w, 0) + 1
        assert count_bert_words(texts, norm, split) == expected


def test_python_chunk_counter_equals_compiled(english_sample, monkeypatch):
    from tokensmith.models.wordpiece import words as wordpiece_words

    texts = english_sample[:100_000].split("\n") + ["a\x0bb c\x1cd \u00a0e\u3000f"]
    compiled = dict(count_chunks(texts, threads=2))
    monkeypatch.setattr(wordpiece_words, "_word_counter", lambda threads: None)
    assert dict(count_chunks(texts)) == compiled


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aZ\u00e9\u03a3\u4e2d.,#- \t\n\x0b\x1c\x85\u00a0\u2003\x00\u0301")),
                        max_size=30), max_size=5))
def test_word_counts_equal_normalizing_whole_texts_any_text(texts):
    norm, split = BertNormalizer(), BertPreTokenizer()
    expected: dict[str, int] = {}
    for text in texts:
        for w in split.split(norm.normalize(text)):
            expected[w] = expected.get(w, 0) + 1
    # (texts straight to the counter: a corpus item like "." would be taken as a path)
    assert bert_words(count_chunks(texts, threads=2), norm, split) == expected
    chunks: dict[str, int] = {}
    for text in texts:
        for c in text.translate({ord(c): None for c in "\x0b\x1c\x85"}).split():
            chunks[c] = chunks.get(c, 0) + 1
    assert bert_words(chunks, norm, split) == expected


def test_compression_within_a_few_percent_of_hf(english_sample):
    from tokenizers import BertWordPieceTokenizer

    train, held = english_sample[:1_200_000], english_sample[1_500_000:1_800_000]
    ours = train_wordpiece([train], 5000)
    hf = BertWordPieceTokenizer(lowercase=True)
    hf.train_from_iterator([train], vocab_size=5000, min_frequency=2, limit_alphabet=1000, show_progress=False)
    assert ours.vocab_size == hf.get_vocab_size() == 5000
    n_bytes = len(held.encode())
    ours_bpt = n_bytes / len(ours.encode_ordinary(held))
    hf_bpt = n_bytes / len(hf.encode(held, add_special_tokens=False).ids)
    assert abs(ours_bpt / hf_bpt - 1) < 0.02, (ours_bpt, hf_bpt)
    # the same vocabulary up to tie-breaks and the words HF keeps with characters dropped
    shared = set(ours.model.tokens) & set(hf.get_vocab())
    assert len(shared) > 0.9 * 5000


def test_likelihood_with_the_frequency_guard_compresses(english_sample):
    lines = english_sample[:600_000].split("\n")
    held = english_sample[1_500_000:1_700_000]
    n = len(held.encode())

    def bytes_per_token(**options):
        tok = train_wordpiece(lines, 3000, **options)
        assert tok.vocab_size == 3000
        return n / len(tok.encode_ordinary(held))

    guarded = bytes_per_token(score="likelihood")
    loose = bytes_per_token(score="likelihood", min_frequency=2)
    frequency = bytes_per_token()
    assert guarded > 1.5 * loose
    assert abs(guarded / frequency - 1) < 0.03, (guarded, frequency)


def test_training_is_deterministic_and_encodes(english_sample):
    lines = english_sample[:300_000].split("\n")
    one = train_wordpiece(lines, 2000)
    two = train_wordpiece(list(reversed(lines)), 2000, num_workers=1)
    assert one.model.tokens == two.model.tokens
    assert one.vocab_size == 2000
    assert one.model.tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    text = "the quick brown fox jumps over the lazy dog"
    ids = one.encode_ordinary(text)
    assert one.model.token_id["[UNK]"] not in ids
    assert one.decode(ids) == text


def test_train_api_save_load_in_fresh_process_and_hf_export(english_sample, tmp_path):
    from tokenizers import Tokenizer as HFTokenizer

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(english_sample[:400_000], encoding="utf-8")
    tok = tokensmith.train(str(corpus), method="wordpiece", vocab_size=2500)
    assert tok.vocab_size == 2500
    text = english_sample[1_000_000:1_020_000]
    ids = tok.encode_ordinary(text)
    native, hf_json = tmp_path / "tok.json", tmp_path / "hf.json"
    tok.save(native)
    tok.save(hf_json, format="hf")
    code = ("import sys, tokensmith; t = tokensmith.Tokenizer.load(sys.argv[1]); "
            "print(' '.join(map(str, t.encode_ordinary(open(sys.argv[2], encoding='utf-8').read()))))")
    sample = tmp_path / "text.txt"
    sample.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code, str(native), str(sample)], check=True,
                         capture_output=True, text=True).stdout
    assert list(map(int, out.split())) == ids
    hf = HFTokenizer.from_file(str(hf_json))
    assert hf.encode(text, add_special_tokens=False).ids == ids
    assert hf.get_vocab_size() == 2500


def test_cli_trains_wordpiece(english_sample, tmp_path, capsys):
    from tokensmith.cli.main import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(english_sample[:200_000], encoding="utf-8")
    out = tmp_path / "tok.json"
    assert main(["train", str(corpus), "--model", "wordpiece", "--vocab-size", "1500", "-o", str(out),
                 "--quiet"]) == 0
    tok = tokensmith.Tokenizer.load(out)
    assert tok.vocab_size == 1500 and tok.model.tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert "trained wordpiece" in capsys.readouterr().out
    assert main(["train", str(corpus), "--model", "wordpiece", "--vocab-size", "10", "-o", str(out)]) == 2
    assert "smaller than the special tokens and the alphabet" in capsys.readouterr().err


def test_bad_training_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty corpus"):
        train_wordpiece(str(empty), 100)
    with pytest.raises(InputError):
        train_wordpiece([], 100)
    with pytest.raises(InputError):
        train_wordpiece_from_counts({}, 100)
    with pytest.raises(OptionError, match="smaller than"):
        train_wordpiece_from_counts({"hello": 3}, 3)
    with pytest.raises(OptionError, match="min_frequency"):
        train_wordpiece_from_counts({"hello": 3}, 100, min_frequency=0)
    with pytest.raises(OptionError, match="score"):
        train_wordpiece_from_counts({"hello": 3}, 100, score="bayes")
    with pytest.raises(OptionError, match="pattern"):
        tokensmith.train(["hello world"], method="wordpiece", vocab_size=100, pattern="gpt2")
    with pytest.raises(InputError):
        train_wordpiece([b"bytes"], 100)


def test_alphabet_limit_keeps_most_frequent_characters():
    counts = {"aab": 10, "ba": 5, "zq": 1}
    tokens, syms, lengths, _ = initial_symbols(counts, ["[UNK]"], "##", 2)
    assert tokens == ["[UNK]", "a", "b", "##a", "##b"]  # z and q dropped with the word "zq"
    assert syms.tolist() == [1, 3, 4, 2, 3] and lengths.tolist() == [3, 2]
