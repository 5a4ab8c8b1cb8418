"""WECHSEL: top-k softmax over old tokens in a word-vector space, checked against ``wechsel``."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from tokensmith.errors import InputError, ModelFileError, OptionError
from tokensmith.transplant.methods import wechsel
from tokensmith.transplant.static_embeddings import cosine_rows
from tokensmith.transplant.word_vectors import WordVectors, subword_vectors, train_word_vectors

from heldout import context, corpus, held_out, minilm, minilm_dir, new_wordpiece

MAX_WORDS = 4000  # the reference encodes word by word: keep its share of the test short


@functools.lru_cache(maxsize=None)
def words() -> WordVectors:
    return train_word_vectors(list(corpus()), seed=0)


def write_vec(path, vectors: WordVectors) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(vectors.words)} {vectors.dim}\n")
        for w, v in zip(vectors.words, vectors.vectors):
            f.write(w + " " + " ".join(f"{x:.9g}" for x in v) + "\n")


@functools.lru_cache(maxsize=None)
def transplanted():
    h = held_out()
    ctx = h.context(word_vectors=words())
    return ctx, wechsel.initialize(ctx, h.matrix)


def test_rows_are_top_k_softmax_combinations_of_old_rows():
    h = held_out()
    ctx, out = transplanted()
    old_vectors, old_found = subword_vectors(h.old, words())
    new_vectors, new_found = subword_vectors(h.new, words())
    candidates = np.flatnonzero(old_found)
    for i in h.new_ids[:20]:
        assert new_found[i]
        similarity = cosine_rows(old_vectors[candidates]) @ cosine_rows(new_vectors[[i]])[0]
        top = np.argsort(-similarity)[:10]  # the paper's k = 10
        weights = np.exp(similarity[top] / 0.1)  # and temperature 0.1
        weights /= weights.sum()
        assert weights[0] >= weights[-1] > 0
        np.testing.assert_allclose(out[i], weights @ h.matrix[candidates[top]], rtol=1e-5, atol=1e-6)
    shared = np.array(sorted(ctx.shared))
    np.testing.assert_array_equal(out[shared], h.matrix[[ctx.shared[i] for i in shared]])


def test_same_rows_as_the_wechsel_package(tmp_path):
    pytest.importorskip("wechsel")
    transformers = pytest.importorskip("transformers")
    from wechsel import create_target_embeddings, get_subword_embeddings_in_word_embedding_space

    old, matrix = minilm()  # the whole model: the reference has no held-out words
    new = new_wordpiece(1000)  # a small one: the reference loops over the new tokens in Python
    vectors = words()
    index = vectors.index()

    class Model:  # the reference's interface to a word2vec model: words, counts, vectors
        def get_words_and_freqs(self):
            return vectors.words, vectors.counts

        def get_dimension(self):
            return vectors.dim

        def get_word_vector(self, word):
            return vectors.vectors[index[word]]

    new.save_pretrained(tmp_path)
    old_hf = transformers.AutoTokenizer.from_pretrained(minilm_dir())
    new_hf = transformers.AutoTokenizer.from_pretrained(tmp_path)
    source, _ = get_subword_embeddings_in_word_embedding_space(
        old_hf, Model(), max_n_word_vectors=MAX_WORDS, use_subword_info=False, verbose=False)
    target, _ = get_subword_embeddings_in_word_embedding_space(
        new_hf, Model(), max_n_word_vectors=MAX_WORDS, use_subword_info=False, verbose=False)
    source /= np.linalg.norm(source, axis=1)[:, None] + 1e-8
    target /= np.linalg.norm(target, axis=1)[:, None] + 1e-8
    theirs, not_found, _ = create_target_embeddings(source, target, old_hf, new_hf, matrix.copy(),
                                                    verbose=False)
    ctx = context(old, new, word_vectors=vectors, max_words=MAX_WORDS, copy_shared=False)
    ours = wechsel.initialize(ctx, matrix)
    missing = {new_hf.convert_tokens_to_ids(t) for t in not_found}
    # Old tokens built from the same words have equal vectors: a tie at the 10th place may be
    # broken either way (argpartition's order), so those rows are left out.
    ranked = -np.partition(-(target @ source.T), [9, 10], axis=1)
    tied = np.abs(ranked[:, 9] - ranked[:, 10]) < 1e-9
    compared = [i for i in range(new.vocab_size) if i not in missing and not tied[i]]
    assert len(compared) > 0.8 * new.vocab_size
    np.testing.assert_allclose(ours[compared], theirs[compared], rtol=1e-5, atol=1e-6)


def test_a_vec_file_gives_the_rows_of_the_vectors_it_holds(tmp_path):
    h = held_out()
    ctx, out = transplanted()
    path = tmp_path / "words.vec"
    write_vec(path, words())
    from_file = wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": str(path)}), h.matrix)
    # A file has no counts: word frequencies come from the rank, so rows differ slightly.
    assert h.mean_cosine(from_file[h.new_ids]) > h.mean_init_cosine() + 0.1
    ranked = dataclasses.replace(words(), counts=None)
    np.testing.assert_allclose(
        from_file, wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": ranked}), h.matrix),
        rtol=1e-5, atol=1e-6)


def test_a_dictionary_aligns_rotated_vectors():
    h = held_out()
    ctx, out = transplanted()
    vectors = words()
    rotation, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((vectors.dim, vectors.dim)))
    rotated = dataclasses.replace(vectors, vectors=(vectors.vectors @ rotation).astype(np.float32))
    options = {"word_vectors": vectors, "new_word_vectors": rotated}
    unaligned = wechsel.initialize(dataclasses.replace(ctx, options=options), h.matrix)
    assert h.mean_cosine(unaligned[h.new_ids]) < h.mean_cosine(out[h.new_ids]) - 0.1
    pairs = [(w, w) for w in vectors.words[:2000]]
    aligned = wechsel.initialize(dataclasses.replace(ctx, options={**options, "dictionary": pairs}), h.matrix)
    np.testing.assert_allclose(aligned, out, rtol=1e-4, atol=1e-4)


def test_closer_to_the_true_rows_than_mean_init():
    h = held_out()
    _, out = transplanted()
    quality, baseline = h.mean_cosine(out[h.new_ids]), h.mean_init_cosine()
    assert quality > baseline + 0.15, (quality, baseline)


def test_trained_here_without_word_vectors_and_reproducible():
    h = held_out()
    ctx, out = transplanted()
    trained = wechsel.initialize(dataclasses.replace(ctx, options={}), h.matrix)
    np.testing.assert_array_equal(trained, out)  # the same seed trains the same word vectors
    other = wechsel.initialize(dataclasses.replace(ctx, seed=1, options={}), h.matrix)
    assert not np.array_equal(other, out)


def test_bad_input_is_named(tmp_path):
    h = held_out()
    ctx, _ = transplanted()
    thai = tmp_path / "thai.vec"
    numbers = " ".join(["0.5"] * 100)
    thai.write_text(f"2 100\nสวัสดี {numbers}\nขอบคุณ {numbers}\n", encoding="utf-8")
    with pytest.raises(InputError, match="thai.vec: no word's tokenization holds any token of the new"):
        wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": words(), "new_word_vectors": str(thai)}),
                           h.matrix)
    small = tmp_path / "small.vec"
    small.write_text("1 2\nthe 0.1 0.2\n", encoding="utf-8")
    with pytest.raises(InputError, match="different dimensions"):
        wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": words(), "new_word_vectors": str(small)}),
                           h.matrix)
    broken = tmp_path / "broken.vec"
    broken.write_text("2 3\nthe 0.1 0.2 0.3\nof 0.1 zero 0.3\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"broken.vec: line 3: 'zero' is not a number"):
        wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": str(broken)}), h.matrix)
    with pytest.raises(InputError, match="too small to train 100-dimensional static word embeddings"):
        wechsel.initialize(dataclasses.replace(ctx, corpus=list(ctx.corpus[:30]), options={}), h.matrix)
    with pytest.raises(InputError, match="no dictionary pair has both words"):
        wechsel.initialize(dataclasses.replace(ctx, options={"word_vectors": words(), "dictionary": [("zzqx", "qxzz")]}),
                           h.matrix)
    with pytest.raises(OptionError, match="temperature must be a positive number"):
        wechsel.initialize(dataclasses.replace(ctx, options={"temperature": 0}), h.matrix)
    with pytest.raises(InputError, match="2-D"):
        wechsel.initialize(ctx, h.matrix[0])
