import bisect

import numpy as np
import pytest

from tokensmith.errors import InputError
from tokensmith.metrics.compression import compression, word_splits
from tokensmith.metrics.corpus import Encoded, encode_texts, read_corpus


def test_word_splits_by_hand():
    # tokens "ab" | "cd" "e" over words "ab" "cde": only the second word is split
    assert word_splits(np.array([2, 2, 1]), ["ab", "cde"]).tolist() == [False, True]
    # one token covering two words splits neither
    assert word_splits(np.array([5]), ["ab", "cde"]).tolist() == [False, False]
    # whitespace tokens have no length and change nothing
    assert word_splits(np.array([1, 0, 1, 0, 3]), ["ab", "cde"]).tolist() == [True, False]


def test_compression_by_hand(toy_class):
    tok = toy_class([" ", "a", "b", "ab", "é"])
    enc = encode_texts(tok, ["ab ab", "abé b"], progress=False)
    # "ab ab" -> ab, " ", ab (3 tokens); "abé b" -> ab, é, " ", b (4 tokens)
    c = compression(tok, enc)
    assert c.n_tokens == 7 and c.n_words == 4
    assert c.n_bytes == 5 + 6 and c.n_chars == 10
    assert c.bytes_per_token == pytest.approx(11 / 7)
    assert c.chars_per_token == pytest.approx(10 / 7)
    assert c.tokens_per_word == pytest.approx(7 / 4)
    assert c.split_word_share == pytest.approx(1 / 4)  # only "abé"
    assert c.unaligned_texts == 0


def test_unaligned_text_is_counted_not_guessed(toy_class):
    tok = toy_class(["a", "b", " "], control=[])
    enc = Encoded(["ab"], [np.array([0, 0])])  # ids that do not spell the text
    c = compression(tok, enc)
    assert c.unaligned_texts == 1 and c.words_checked == 0


def test_against_tiktoken_on_english(english_sample, tiktoken_encodings, ts_tokenizers):
    text = english_sample[:300_000]
    for name in ("r50k", "cl100k"):
        ref = tiktoken_encodings[name]
        enc = encode_texts(ts_tokenizers[name], [text], progress=False)
        c = compression(ts_tokenizers[name], enc)
        ids = ref.encode_ordinary(text)
        assert c.n_tokens == len(ids)
        assert c.bytes_per_token == pytest.approx(len(text.encode()) / len(ids))
        assert c.tokens_per_word == pytest.approx(len(ids) / len(text.split()))
        # split words, independently: decode each token and place it on the text
        pieces = [ref.decode_single_token_bytes(i) for i in ids]
        ends, at = [], 0
        for p in pieces[:-1]:
            at += len(p)
            ends.append(at)
        split = at = 0
        data = text.encode()
        for word in text.split():
            w = word.encode()
            start = data.index(w, at)
            at = start + len(w)
            k = bisect.bisect_right(ends, start)
            split += k < len(ends) and ends[k] < at
        assert c.split_word_share == pytest.approx(split / len(text.split()))


def test_empty_and_bad_corpus(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(InputError, match="empty.txt: corpus is empty"):
        read_corpus([empty])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\xff\xfe")
    with pytest.raises(InputError, match="bad.txt: byte 2: invalid UTF-8"):
        read_corpus([bad])
    with pytest.raises(InputError, match="missing.txt: no such corpus file"):
        read_corpus([tmp_path / "missing.txt"])
