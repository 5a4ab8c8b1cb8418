"""Prints, as JSON, what every compiled kernel computes on real text, through the public API:
``{"kernels": [kernels imported], "results": {kernel: result}}``.

Run by tests/test_core_loader.py twice, with and without ``TOKENSMITH_PURE_PYTHON=1``: the two
runs must agree. Small inputs keep the pure-Python run short.

    python tests/kernel_results.py SHARED_DATA_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import tokensmith
from tokensmith.adaptive import lzw_encode_batch
from tokensmith.pre_tokenizers.splitters import RegexSplitter
from tokensmith.token_table import TokenTable
from tokensmith.trainers import train_bpe
from tokensmith.trainers.pathpiece import removal_costs
from tokensmith.trainers.sage import ablation_scores, sample_lines, segment_lines
from tokensmith.models.unigram.trainer import train_unigram
from tokensmith.models.wordpiece.trainer import train_wordpiece


def texts(data: Path) -> tuple[str, str]:
    """(about 12 kB of English and other languages, 60 kB of English to train on)."""
    with open(data / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(50_000_000)
        english = f.read(70_000).decode("utf-8", "ignore")
    ntrex = sorted((data / "parallel" / "ntrex128").glob("*"))
    mixed = "\n".join(p.read_text(encoding="utf-8").split("\n")[0] for p in ntrex[::6])
    return english[:6000] + "\n" + mixed, english[10_000:]


def pair_replay(tokenizer, text: str) -> list:
    """Every pair's count changes at each of the first 150 merges, numbering-free."""
    from tokensmith.forensics.merge_list import merge_list
    from tokensmith.forensics.pair_counts import category_counts, merge_ids

    merges = merge_list(tokenizer, 150)
    r = category_counts("text", merges, merge_ids(merges), [text]).replay
    pairs = list(zip(r["left"].tolist(), r["right"].tolist()))
    steps = [sorted((pairs[p], d) for p, d in zip(r["delta_pair"][s:e].tolist(), r["delta_count"][s:e].tolist()))
             for s, e in zip(r["step_starts"][:-1].tolist(), r["step_starts"][1:].tolist())]
    return [sorted((pairs[i], c) for i, c in enumerate(r["initial"].tolist()) if c), steps, r["merged"].tolist()]


def main(data: Path) -> dict:
    text, corpus = texts(data)
    tokenizers = data / "tokenizers"
    r50k = tokensmith.load(tokenizers / "r50k_base.tiktoken")
    ids = r50k.encode_ordinary(text)
    out = {
        "_bpe": ids,
        "_split": RegexSplitter("cl100k").split(text),
        "_lattice": tokensmith.load(tokenizers / "t5_small_tokenizer.json").encode(text),
        "_spm_bpe": tokensmith.load(tokenizers / "llama2_tokenizer.model").encode(text),
        "_segment": [tokensmith.load(tokenizers / "bert_base_cased_vocab.txt").encode(text),
                     r50k.with_segmenter("least_tokens").encode(text[:3000])],
        "_decode": TokenTable(r50k.model.token_bytes()).join(ids).decode("utf-8"),
        "_lzw": lzw_encode_batch([ids[k:k + 512] for k in range(0, len(ids), 512)],
                                 initial_vocab_size=r50k.vocab_size, max_codebook_size=200, max_subtokens=3),
        "_bpe_train": train_bpe([corpus], 700, progress=False).model.merges,
        "_unigram_train": train_unigram([corpus], 400).model.pieces,
        "_wordpiece_train": train_wordpiece([corpus], 500).model.token_bytes(),
    }
    out["_wordpiece_train"] = [t.decode("utf-8") for t in out["_wordpiece_train"]]
    tokens = [bytes([b]) for b in range(256)] + [r50k.model.tokens[i] for i in range(256, 1200)]
    counts: dict[bytes, int] = {}
    for piece in RegexSplitter("cl100k").split(corpus[:20_000]):
        counts[piece.encode()] = counts.get(piece.encode(), 0) + 1
    cost, uses, total = removal_costs(counts, tokens)
    lines = sample_lines([corpus], "cl100k", 8000)
    vocab = {t: i for i, t in enumerate(tokens)}
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(tokens), 8)), rng.normal(size=(len(tokens), 8))
    out["_top_down"] = {"costs": sorted(cost.items()), "uses": sorted(uses.items()), "total": total,
                        "greedy": [x.tolist() for x in segment_lines(lines, tokens)],
                        "ablation": ablation_scores(lines, vocab, max(map(len, tokens)), *vectors, 3).tolist()}
    out["_pair_replay"] = pair_replay(r50k, text)
    loaded = sorted(name.rsplit(".", 1)[1] for name in sys.modules if name.startswith("tokensmith._core._"))
    return {"kernels": loaded, "results": out}


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout)
