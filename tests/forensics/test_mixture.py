"""Data-mixture inference (Hayase et al. 2024): merge lists read as training made them, the
compiled pair-count replay against its twin, a known mixture recovered, bad input refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tokensmith
from tokensmith._core import kernel
from tokensmith._reference.pair_replay import replay as twin_replay
from tokensmith.errors import InputError
from tokensmith.forensics import mixture_inference
from tokensmith.forensics.merge_list import merge_list

LANGUAGES = ["eng-US", "deu", "fra", "ita"]


def _as_steps(r) -> tuple[dict, list[dict]]:
    """A replay as {pair: initial count} and, per step, {pair: change}: numbering-free."""
    pairs = list(zip(r["left"].tolist(), r["right"].tolist()))
    initial = {pairs[i]: c for i, c in enumerate(r["initial"].tolist()) if c}
    steps = []
    for t in range(len(r["step_starts"]) - 1):
        s, e = r["step_starts"][t], r["step_starts"][t + 1]
        steps.append({pairs[p]: d for p, d in zip(r["delta_pair"][s:e].tolist(), r["delta_count"][s:e].tolist())})
    return initial, steps


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.lists(st.integers(0, 3), min_size=0, max_size=8), min_size=1, max_size=12),
       weights=st.data(), merges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=6))
def test_compiled_replay_matches_twin(words, weights, merges):
    core = kernel("_pair_replay")
    if core is None:
        pytest.skip("compiled core not built")
    w = weights.draw(st.lists(st.integers(0, 5), min_size=len(words), max_size=len(words)))
    # merge t makes 4 + t; merges may name ids not made yet (they then never apply)
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in words])]).astype(np.int64)
    flat = np.array([s for x in words for s in x], dtype=np.uint32)
    got = core.replay(flat, offsets, np.array(w, dtype=np.int64), np.array(merges, dtype=np.uint32).reshape(-1, 2), 4)
    want = twin_replay(words, w, merges, 4)
    assert _as_steps(got) == _as_steps(want)
    assert got["merged"].tolist() == want["merged"].tolist()


def test_replay_counts_overlapping_pairs():
    r = twin_replay([[7, 7, 7, 7]], [3], [(7, 7), (8, 8)], first_new=8)
    assert r["merged"].tolist() == [9, 3]          # aaaa holds (a, a) three times, then aa aa once
    initial, steps = _as_steps(r)
    assert initial == {(7, 7): 9}
    assert steps[0] == {(7, 7): -9, (8, 8): 3}


def test_tiktoken_ranks_give_gpt2_merges(tokenizer_files):
    """r50k's ranks, read as training order, give GPT-2's published merges.txt."""
    from tokensmith.formats.bytes_text import text_to_bytes  # GPT-2's printable byte spelling

    derived = merge_list(tokensmith.load(tokenizer_files / "r50k_base.tiktoken"), 3000).merges
    lines = (tokenizer_files / "gpt2_merges.txt").read_text(encoding="utf-8").splitlines()[1:3001]
    published = [tuple(text_to_bytes(part) for part in line.split(" ")) for line in lines]
    assert [(bytes(a), bytes(b)) for a, b in derived] == published


def test_sentencepiece_merges_from_scores(tokenizer_files):
    merges = merge_list(tokensmith.load(tokenizer_files / "llama2_tokenizer.model"), 200)
    assert merges.kind == "chars" and len(merges.merges) == 200
    assert merges.merges[0] == ("▁", "t")                    # piece 259, '▁t', the best score
    assert all(a + b for a, b in merges.merges)
    assert ("▁th", "e") in merges.merges or ("▁t", "he") in merges.merges
    words = merges.words("Hello world 2024, ok")
    assert words == ["▁Hello", "▁world", "▁", "2", "0", "2", "4", ",", "▁ok"]


def _mixture_case(ntrex_dir):
    """A tokenizer trained on known shares of four languages; samples from the other half (and
    each language's training part, for the exact case)."""
    rng = np.random.default_rng(7)
    shares = rng.dirichlet(np.ones(len(LANGUAGES)))
    train, samples, truth, parts = [], {}, {}, {}
    for lang, share in zip(LANGUAGES, shares):
        lines = (ntrex_dir / f"newstest2019-ref.{lang}.txt").read_text(encoding="utf-8").splitlines()
        half = len(lines) // 2
        taken, size = [], 0
        for line in lines[:half]:
            if size >= share * 100_000:
                break
            taken.append(line)
            size += len(line.encode())
        train += taken
        parts[lang] = taken
        truth[lang] = size
        samples[lang] = lines[half:half + 400]
    total = sum(truth.values())
    return train, samples, {k: v / total for k, v in truth.items()}, parts


def test_known_mixture_recovered(ntrex_dir):
    train, samples, truth, _ = _mixture_case(ntrex_dir)
    tok = tokensmith.train(train, method="bpe", vocab_size=256 + 300)
    result = mixture_inference(tok, samples, merges=300)
    assert result.converged and result.merges_used > 250
    assert sum(result.proportions.values()) == pytest.approx(1.0)
    mse = np.mean([(truth[k] - result.proportions[k]) ** 2 for k in truth])
    assert mse < 1e-3, (truth, result.proportions)
    # chance level (a uniform guess) is far worse
    assert np.mean([(truth[k] - 1 / len(truth)) ** 2 for k in truth]) > 10 * mse
    assert tokensmith.infer_mixture(tok, samples, merges=300) == result.proportions


def test_training_text_as_samples_gives_the_mixture_exactly(ntrex_dir, monkeypatch):
    """The paper's defining property: with the training text itself as the samples every merge
    beat every competitor at the true shares, so no slack is needed and the shares come back."""
    import tokensmith.forensics.mixture as module

    train, _, truth, parts = _mixture_case(ntrex_dir)
    monkeypatch.setattr(module, "MIN_SAMPLE_BYTES", 1)     # the smallest share has a few hundred bytes
    tok = tokensmith.train(train, method="bpe", vocab_size=256 + 300)
    result = mixture_inference(tok, parts, merges=300)
    assert result.converged and result.objective == pytest.approx(0, abs=1e-9)
    assert np.mean([(truth[k] - result.proportions[k]) ** 2 for k in truth]) < 1e-8


def test_sentencepiece_alphabet_is_the_vocabulary_not_the_first_merges(tokenizer_files):
    """Characters Llama 2 holds as pieces are symbols of the replay even when none of the first
    merges uses them; only characters outside the vocabulary (byte fallback) are OTHER."""
    from tokensmith.forensics.pair_counts import OTHER, _symbols, merge_ids

    order = merge_list(tokensmith.load(tokenizer_files / "llama2_tokenizer.model"), 50)
    ids = merge_ids(order)
    assert {"д", "क", "中"} <= order.alphabet and len(order.alphabet) > 2000
    symbols, _ = _symbols("chars", ids.alphabet, ["▁дом", "ꙮ"])     # U+A66E: not a piece
    assert symbols.tolist() == [ord(c) for c in "▁дом"] + [OTHER]


def test_sentencepiece_mixture_from_its_training_text(tmp_path, ntrex_dir, monkeypatch):
    """The character-level path end to end: a SentencePiece BPE trained by the sentencepiece
    library on a known mixture, read back with its training text, gives the mixture exactly (its
    merges from piece scores, its words cut as its trainer cuts them)."""
    spm = pytest.importorskip("sentencepiece")
    import tokensmith.forensics.mixture as module

    _, _, truth, parts = _mixture_case(ntrex_dir)
    corpus = tmp_path / "train.txt"
    corpus.write_text("".join(line + "\n" for lines in parts.values() for line in lines), encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(tmp_path / "m"), model_type="bpe",
                                   vocab_size=600, byte_fallback=True, minloglevel=2, num_threads=1)
    monkeypatch.setattr(module, "MIN_SAMPLE_BYTES", 1)
    result = mixture_inference(tmp_path / "m.model", parts, merges=250)
    assert result.converged and result.merges_used >= 200
    assert result.objective == pytest.approx(0, abs=1e-9)
    assert np.mean([(truth[k] - result.proportions[k]) ** 2 for k in truth]) < 1e-8


def test_pruning_rows_and_the_scipy_solver_give_the_same_optimum(ntrex_dir, monkeypatch):
    """Taking slack rows out between rounds, and solving with scipy's linprog instead of highspy,
    change the path to the optimum, not the optimum."""
    import builtins

    train, samples, _, _ = _mixture_case(ntrex_dir)
    tok = tokensmith.train(train, method="bpe", vocab_size=256 + 200)
    pruned = mixture_inference(tok, samples, merges=200)
    kept = mixture_inference(tok, samples, merges=200, prune=False)
    real_import = builtins.__import__

    def no_highspy(name, *args, **kwargs):
        if name == "highspy":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_highspy)
    with_scipy = mixture_inference(tok, samples, merges=200)
    assert pruned.converged and kept.converged and with_scipy.converged
    assert pruned.constraints < kept.constraints
    assert pruned.objective == pytest.approx(kept.objective, rel=1e-6)
    assert with_scipy.objective == pytest.approx(kept.objective, rel=1e-6)


def test_bad_input_is_refused(tokenizer_files, ntrex_dir):
    bert = tokensmith.load(tokenizer_files / "bert_base_cased_vocab.txt")
    english = (ntrex_dir / "newstest2019-ref.eng-US.txt").read_text(encoding="utf-8").splitlines()[:200]
    german = (ntrex_dir / "newstest2019-ref.deu.txt").read_text(encoding="utf-8").splitlines()[:200]
    with pytest.raises(InputError, match="needs a BPE merge list"):
        tokensmith.infer_mixture(bert, {"en": english, "de": german})
    gpt = tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    with pytest.raises(InputError, match="category 'de'.*at least"):
        tokensmith.infer_mixture(gpt, {"en": english, "de": ["ein kurzer Satz"]}, merges=50)
    with pytest.raises(InputError, match="category 'de'.*no text"):
        tokensmith.infer_mixture(gpt, {"en": english, "de": []}, merges=50)
    with pytest.raises(InputError, match="at least two categories"):
        tokensmith.infer_mixture(gpt, {"en": english}, merges=50)


def test_cli_table_json_and_unknown_file(tokenizer_files, ntrex_dir, tmp_path, capsys):
    import json

    from tokensmith.cli.main import main

    en, de = tmp_path / "en.txt", tmp_path / "de.txt"
    en.write_text("\n".join((ntrex_dir / "newstest2019-ref.eng-US.txt").read_text().splitlines()[:300]))
    de.write_text("\n".join((ntrex_dir / "newstest2019-ref.deu.txt").read_text().splitlines()[:300]))
    tok = str(tokenizer_files / "r50k_base.tiktoken")
    assert main(["infer-mixture", tok, "--category", f"en={en}", "--category", f"de={de}",
                 "--merges", "200", "--json", "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["proportions"]) == {"en", "de"} and out["proportions"]["en"] > 0.5
    assert main(["infer-mixture", tok, "--category", f"en={en}", "--category", f"de={de}", "--merges", "200"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].startswith("category") and "en " in table
    assert main(["infer-mixture", tok, "--category", f"en={tmp_path / 'missing.txt'}",
                 "--category", f"de={de}"]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err
