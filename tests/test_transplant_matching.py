"""Shared tokens across vocabulary conventions, on real tokenizers (tokensmith.transplant.matching)."""

from __future__ import annotations

import pytest

import tokensmith
from causal_lm import english_lines
from tokensmith.transplant.matching import match_vocabularies, token_meanings


@pytest.fixture(scope="module")
def tokenizers(tokenizer_files):
    load = lambda name: tokensmith.load(tokenizer_files / name)  # noqa: E731
    return {name: load(file) for name, file in {
        "roberta": "roberta_base_tokenizer.json", "gpt2": "gpt2_vocab.json",
        "bert": "bert_base_cased_vocab.txt", "llama2": "llama2_tokenizer.model",
        "mistral": "mistral_v3_tokenizer.model", "phi3": "phi3_mini_tokenizer.json"}.items()}


def strings(tok, ids):
    return [tok.id_to_token(i) for i in ids]


def test_same_byte_level_vocabulary_is_shared_whole(tokenizers):
    gpt2, roberta = tokenizers["gpt2"], tokenizers["roberta"]
    match = match_vocabularies(gpt2, roberta)
    # RoBERTa's vocabulary is GPT-2's with its own special tokens: each of GPT-2's 50,256 text
    # tokens is shared, with the id of the same string.
    assert len(set(match.shared_text.values())) == 50_256
    assert all(gpt2.id_to_token(o) == roberta.id_to_token(n) for n, o in match.shared_text.items())


def test_wordpiece_against_byte_level(tokenizers):
    bert, roberta = tokenizers["bert"], tokenizers["roberta"]
    match = match_vocabularies(bert, roberta)
    pairs = {roberta.id_to_token(n): bert.id_to_token(o) for n, o in match.shared.items()}
    assert pairs["Ġthe"] == "the"          # word start: Ġ <-> no marker
    assert pairs["ing"] == "##ing"         # continuation: no marker <-> ##
    assert "the" not in pairs or pairs["the"] == "##the"
    assert len(match.shared_text) > 15_000


def test_sentencepiece_pair_and_byte_fallback(tokenizers):
    llama, mistral = tokenizers["llama2"], tokenizers["mistral"]
    match = match_vocabularies(llama, mistral)
    pairs = {mistral.id_to_token(n): llama.id_to_token(o) for n, o in match.shared.items()}
    assert pairs["▁the"] == "▁the" and pairs["ing"] == "ing"
    assert pairs["<0xE5>"] == "<0xE5>"
    # a byte piece and a regular piece with the same byte: the regular one is preferred
    meanings = token_meanings(llama)
    assert meanings.index()[(b"a", False)] == llama.token_to_id("a")
    # special tokens by content
    assert pairs["<s>"] == "<s>" and pairs["</s>"] == "</s>"


def test_sentencepiece_against_byte_level(tokenizers):
    llama, gpt2 = tokenizers["llama2"], tokenizers["gpt2"]
    match = match_vocabularies(llama, gpt2)
    pairs = {gpt2.id_to_token(n): llama.id_to_token(o) for n, o in match.shared.items()}
    assert pairs["Ġhello"] == "▁hello" and pairs["hello"] == "hello"
    assert pairs["Ċ"] == "<0x0A>"  # a newline: GPT-2's byte token, Llama's byte-fallback piece


def test_hf_file_of_a_sentencepiece_model(tokenizers):
    # Phi-3's tokenizer.json is Llama 2's vocabulary written with HF decoders (Replace, ByteFallback).
    match = match_vocabularies(tokenizers["llama2"], tokenizers["phi3"])
    assert len(match.shared) >= 31_990


def test_special_tokens_by_role(shared_data):
    lines = english_lines(shared_data, size=200_000)
    wordpiece = tokensmith.train(lines, method="wordpiece", vocab_size=1000)
    bpe = tokensmith.train(lines, method="bpe", vocab_size=1000, special_tokens=["<|endoftext|>", "<sep>"])
    match = match_vocabularies(wordpiece, bpe, old_roles={"sep": "[SEP]"}, new_roles={"sep": "<sep>"})
    assert match.shared[bpe.token_to_id("<sep>")] == wordpiece.token_to_id("[SEP]")
    assert bpe.token_to_id("<|endoftext|>") not in match.shared


def test_tokensmith_wordpiece_against_bert(tokenizers, shared_data):
    lines = english_lines(shared_data, size=300_000)
    ours = tokensmith.train(lines, method="wordpiece", vocab_size=2000, lowercase=False)
    bert = tokenizers["bert"]
    match = match_vocabularies(bert, ours)
    assert len(match.shared_text) > 1400  # of 1,995: the rest are words BERT lacks (Gutenberg spelling)
    for n, o in match.shared_text.items():  # same string: WordPiece spells both alike
        assert ours.id_to_token(n) == bert.id_to_token(o)
