"""Seeded stochastic segmenters give each text the same ids whatever the threads, the batches, their
order or the process: each call's draws are seeded from (method, seed, text), see
:mod:`tokensmith.segmenters.stochastic`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tokensmith

CASES = [("r50k_base.tiktoken", "bpe_dropout", {"dropout": 0.3}),
         ("r50k_base.tiktoken", "stochastok", {"p": 0.3}),
         ("t5_small_tokenizer.json", "unigram_sampling", {"alpha": 0.2})]


@pytest.fixture(scope="module")
def lines(ntrex_files):
    """60 lines: English, German, Russian and Japanese news."""
    out = []
    for code in ("eng", "deu", "rus", "jpn"):
        path = next(p for p in ntrex_files if code in p.name)
        out += path.read_text(encoding="utf-8").split("\n")[:15]
    return out


@pytest.fixture(scope="module")
def loaded(tokenizer_files):
    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = tokensmith.load(tokenizer_files / name)
        return cache[name]

    return load


@pytest.mark.parametrize("file,method,options", CASES, ids=[c[1] for c in CASES])
def test_threads_batches_and_order_do_not_change_seeded_ids(loaded, lines, file, method, options):
    base = loaded(file)
    tok = base.with_segmenter(method, seed=11, **options)
    one_by_one = [tok.encode(t) for t in lines]
    for threads in (1, 2, 4):
        assert tok.encode_batch(lines, num_threads=threads) == one_by_one, threads
    split = tok.encode_batch(lines[:23], num_threads=2) + tok.encode_batch(lines[23:], num_threads=4)
    assert split == one_by_one
    assert tok.encode_batch(lines[::-1], num_threads=4) == one_by_one[::-1]
    assert base.with_segmenter(method, seed=11, **options).encode_batch(lines, num_threads=2) == one_by_one
    # ... and the draws are real: most lines differ from the deterministic ids and another seed.
    plain = [base.encode(t) for t in lines]
    assert sum(a != b for a, b in zip(one_by_one, plain)) > len(lines) // 2
    other = base.with_segmenter(method, seed=12, **options).encode_batch(lines, num_threads=2)
    assert sum(a != b for a, b in zip(one_by_one, other)) > len(lines) // 2
    assert all(tok.decode(ids) == base.decode(p) for ids, p in zip(one_by_one, plain))


def test_a_repeated_piece_draws_anew_within_a_text(loaded):
    tok = loaded("r50k_base.tiktoken").with_segmenter("bpe_dropout", dropout=0.5, seed=3)
    piece, tokens = b" tokenization", tok.model.token_bytes()
    segmentations, current = [], []
    for i in tok.model.encode_pieces([piece] * 40):  # one call: one stream through the 40 pieces
        current.append(i)
        if b"".join(tokens[t] for t in current) == piece:
            segmentations.append(tuple(current))
            current = []
    assert len(segmentations) == 40 and len(set(segmentations)) > 5


def test_same_ids_in_another_process(loaded, lines, tokenizer_files):
    file, method, options = CASES[0]
    expected = loaded(file).with_segmenter(method, seed=5, **options).encode(lines[0])
    code = (f"import json, tokensmith; tok = tokensmith.load({str(tokenizer_files / file)!r})"
            f".with_segmenter({method!r}, seed=5, **{options!r}); "
            f"print(json.dumps(tok.encode({lines[0]!r})))")
    # The tokensmith this test imports (site-packages in CI, src/ in a development build).
    env = dict(os.environ, PYTHONPATH=str(Path(tokensmith.__file__).resolve().parents[1]),
               PYTHONHASHSEED="12345")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_bad_seed_is_an_option_error(loaded):
    with pytest.raises(tokensmith.OptionError, match="seed must be an integer or None"):
        loaded("r50k_base.tiktoken").with_segmenter("bpe_dropout", seed="7")
