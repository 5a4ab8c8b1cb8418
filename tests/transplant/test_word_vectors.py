"""Reading fastText .vec / GloVe text files: the vectors they hold, and errors naming file and line."""

from __future__ import annotations

import numpy as np
import pytest

from tokensmith.errors import InputError, ModelFileError
from tokensmith.transplant.static_embeddings import train_static_embeddings
from tokensmith.transplant.word_vectors import read_dictionary, read_word_vectors


def test_fasttext_and_glove_files(tmp_path):
    vec = tmp_path / "a.vec"
    vec.write_text("3 2\nthe 0.5 -1\nof 1e-3 2.5\n, 0 0\n", encoding="utf-8")
    read = read_word_vectors(vec)
    assert read.words == ["the", "of", ","]
    np.testing.assert_array_equal(read.vectors, np.array([[0.5, -1], [1e-3, 2.5], [0, 0]], np.float32))
    assert read.counts is None and read.weights()[0] > read.weights()[1]  # Zipf from the rank
    glove = tmp_path / "g.txt"
    glove.write_text("the 0.5 -1 2\nat home 1 2 3\n", encoding="utf-8")  # a word with a space
    read = read_word_vectors(glove)
    assert read.words == ["the", "at home"] and read.dim == 3
    assert read_word_vectors(vec, limit=2).words == ["the", "of"]


@pytest.mark.parametrize("content, message", [
    (b"", "no word vectors in the file"),
    (b"2 3\nthe 1 2 3\n", "the header declares 2 vectors but the file holds 1"),
    (b"2 3\nthe 1 2 3\nof 1 2\n", "line 3: 2 numbers after the word, expected 3"),
    (b"the 1 2\nof 1 x\n", "line 2: 'x' is not a number"),
    (b"the 1 2\n\xff\xfe 1 2\n", "line 2: not UTF-8"),
    (b"the 1 2\nof 1 nan\n", "line 2: a value is not finite"),
    (b"the\n", "line 1: a word without numbers"),
    (b"the 1 2\n\nof 1 2\n", "line 2: empty line"),
])
def test_malformed_files_name_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.vec"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="bad.vec: " + message):
        read_word_vectors(path)


def test_missing_file_and_bad_dictionary(tmp_path):
    with pytest.raises(ModelFileError, match="missing.vec: cannot read word vectors"):
        read_word_vectors(tmp_path / "missing.vec")
    dictionary = tmp_path / "en-de.txt"
    dictionary.write_text("house\tHaus\ncat Katze\nthree words here\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match="en-de.txt: line 3: expected two words, found 3"):
        read_dictionary(dictionary)


def test_static_embeddings_are_seeded_and_refuse_a_tiny_corpus():
    rng = np.random.default_rng(0)
    sequences = [rng.integers(0, 300, size=200) for _ in range(50)]
    first = train_static_embeddings(sequences, 300, dim=20, min_count=2, seed=5)
    again = train_static_embeddings(sequences, 300, dim=20, min_count=2, seed=5)
    np.testing.assert_array_equal(first.vectors, again.vectors)
    assert first.vectors.dtype == np.float32 and first.vectors.shape == (300, 20)
    assert first.counts.sum() == 50 * 200
    with pytest.raises(InputError, match="too small to train 20-dimensional static token embeddings"):
        train_static_embeddings([np.arange(10)], 300, dim=20, min_count=1)
