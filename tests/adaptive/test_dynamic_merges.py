"""Dynamic batch-level merges (Retrofitting LLMs with Dynamic Tokenization) on real tokenizers
and NTREX batches: the merges never cross a word, undoing them gives the tokenizer's own ids,
and more merges shorten the batch more."""

from __future__ import annotations

import pytest

import tokensmith
from tokensmith.adaptive import dynamic_merges, length_reduction
from tokensmith.errors import OptionError


@pytest.fixture(scope="module")
def batches(ntrex_dir):
    def lines(lang):
        return (ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").split("\n")[:64]

    return {lang: lines(lang) for lang in ("eng-US", "deu", "rus", "hin")}


@pytest.mark.parametrize("name", ["cl100k_base.tiktoken", "llama2_tokenizer.model", "bert_base_cased_vocab.txt",
                                  "t5_small_tokenizer.json"])
def test_merges_stay_inside_words_and_undo_exactly(tokenizer_files, batches, name):
    tok = tokensmith.load(tokenizer_files / name)
    texts = batches["deu"] + batches["rus"]
    batch = dynamic_merges(tok, texts, 200)
    assert len(batch.merges) == 200 and batch.first_id == tok.vocab_size
    for k, text in enumerate(texts):
        assert batch.base_ids(k) == tok.encode(text)  # the merges undone: the tokenizer's own ids
        assert len(batch.ids[k]) <= len(batch.base_ids(k))
    decoded = b"\n".join(tok.decode_bytes(tok.encode(t)) for t in texts)
    for j in range(len(batch.merges)):
        spelled = tok.decode_bytes(batch.spelling(batch.first_id + j)).strip().removeprefix(b"##")
        assert spelled and not any(c in spelled for c in b" \n\t") and spelled in decoded  # inside one word


def test_reduction_grows_with_the_number_of_merges(tokenizer_files, batches):
    tok = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    for lang in ("deu", "hin"):
        reductions = [length_reduction(tok, batches[lang], n) for n in (0, 10, 50, 200)]
        assert reductions[0] == 0.0
        assert reductions == sorted(reductions) and reductions[-1] > 0.1, (lang, reductions)
    # Hindi, far from cl100k's training data, gains more from batch merges than English.
    assert length_reduction(tok, batches["hin"], 200) > length_reduction(tok, batches["eng-US"], 200)


def test_bad_input(tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt")
    with pytest.raises(OptionError, match="num_merges"):
        dynamic_merges(tok, ["a b"], -1)
    with pytest.raises(OptionError, match="a list of str"):
        dynamic_merges(tok, "a text", 3)
    assert dynamic_merges(tok, [], 5).ids == []
