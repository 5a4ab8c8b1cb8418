"""Byte-level reading of a token LM: bytes per second for scoring and generation, by vocabulary size.

    PYTHONPATH=src python benchmarks/bench_bytelevel.py [--sizes 300 1000 4000] [--lines 20] [--runs 3]

Byte-level BPE vocabularies trained by tokensmith on 1 MB of the shared English corpus, each with a
trigram model (``NgramLM``) trained on the same text. For each size: scoring (``prefix_logprob``
of each held-out line, a fresh model each run so nothing is cached), canonical and over all
covers; canonical again after 200 other lines were scored by the same model (its canonical rows
of the common tokens cached, as when a file is scored); and greedy generation of 64 bytes after 5 prompts. Each figure is split into the model's
own time (inside ``lm(...)`` calls) and the enumeration's (everything else: trie walks, covers,
canonical rows). With genlm-bytes installed, its all-covers scoring of the same lines with the same
model (beam wide enough to be exact, no pruning) for the ratio, on the first ``--genlm-bytes``
bytes of each line: it keeps every token history apart, so its exact marginal grows
exponentially with the text, where the n-gram's histories merge here. Medians of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

import numpy as np

from tokensmith import train
from tokensmith.bytelevel import ByteLevel, NgramLM

DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def english(start: int, size: int) -> list[str]:
    with open(DATA / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(start)
        text = f.read(size).decode("utf-8", errors="ignore")
    return [" ".join(line.split()) for line in text.splitlines()[1:-1] if len(line.split()) > 3]


def run_scoring(tok, lm, lines, canonical, warm=()):
    model = ByteLevel(tok, lm, canonical=canonical)
    for line in warm:  # other lines first: the canonical rows of common tokens are then known
        model.prefix_logprob(line.encode())
    model.model.seconds = 0.0
    start = time.perf_counter()
    for line in lines:
        model.prefix_logprob(line.encode())
    return time.perf_counter() - start, model.model.seconds


def run_generation(tok, lm, prompts):
    model = ByteLevel(tok, lm, canonical=True)
    start = time.perf_counter()
    made = sum(len(model.generate(p.encode(), 64, greedy=True)) for p in prompts)
    return time.perf_counter() - start, model.model.seconds, made


def genlm_scoring(tok, lm, lines):
    try:
        import torch
        from genlm.backend.tokenization import Token
        from genlm.bytes import BeamParams, ByteBeamState
    except ImportError:
        return None
    vocab = tok.vocab_size

    class Model:
        tokenizer = type("T", (), {"bos_token_id": -1})()
        byte_vocab = [Token(token_id=i, byte_string=tok.token_bytes(i)) for i in range(vocab)]

        async def next_token_logprobs(self, context):
            return (await self.batch_next_token_logprobs([context]))[0]

        async def batch_next_token_logprobs(self, contexts):
            rows = lm([[c for c in ctx if c >= 0] for ctx in contexts])[:, :vocab]
            return torch.from_numpy(rows - np.logaddexp.reduce(rows, axis=1, keepdims=True))

    async def score():
        for line in lines:
            beam = await ByteBeamState.initial(Model(), BeamParams(K=1_000_000, prune_threshold=0.0))
            beam = await beam.prefill(line.encode())
            await beam.cleanup()

    start = time.perf_counter()
    asyncio.run(score())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 4000])
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--genlm-lines", type=int, default=10)
    parser.add_argument("--genlm-bytes", type=int, default=12, help="bytes of each line genlm-bytes scores")
    args = parser.parse_args()
    corpus = english(50_000_000, 1_000_000)
    held = [line for line in english(60_000_000, 200_000) if 40 <= len(line) <= 120][: args.lines]
    prompts = [line[: len(line) // 2] for line in held[:5]]
    warm_up = [line for line in english(61_000_000, 100_000) if len(line) <= 120][:200]
    nbytes = sum(len(line.encode()) for line in held)
    print(f"{len(held)} held-out lines, {nbytes} bytes; medians of {args.runs} runs; KB/s = 1000 bytes/s")
    print(f"{'vocab':>6} {'reading':<22} {'bytes/s':>9} {'model s':>8} {'enum s':>8} {'enum share':>10}")
    for size in args.sizes:
        tok = train(corpus, method="bpe", vocab_size=size)
        lm = NgramLM.train_on_texts(tok, corpus, order=3)
        for name, canonical, warm in (("score canonical", True, ()), ("score canonical, warm", True, warm_up),
                                      ("score all covers", False, ())):
            runs = [run_scoring(tok, lm, held, canonical, warm) for _ in range(args.runs)]
            total = statistics.median(r[0] for r in runs)
            model = statistics.median(r[1] for r in runs)
            print(f"{size:>6} {name:<22} {nbytes / total:>9.0f} {model:>8.3f} {total - model:>8.3f} "
                  f"{(total - model) / total:>10.0%}")
        runs = [run_generation(tok, lm, prompts) for _ in range(args.runs)]
        total = statistics.median(r[0] for r in runs)
        model = statistics.median(r[1] for r in runs)
        made = runs[0][2]
        print(f"{size:>6} {'greedy generation':<22} {made / total:>9.0f} {model:>8.3f} {total - model:>8.3f} "
              f"{(total - model) / total:>10.0%}")
        # genlm keeps every token history apart (no merging by the model's context): the exact
        # marginal over all covers grows exponentially with the text, so it scores line starts.
        subset = [line[: args.genlm_bytes] for line in held[: args.genlm_lines]]
        reference = genlm_scoring(tok, lm, subset)
        if reference is not None:
            ours = statistics.median(run_scoring(tok, lm, subset, False)[0] for _ in range(args.runs))
            sub_bytes = sum(len(line.encode()) for line in subset)
            print(f"{size:>6} {'genlm-bytes all covers':<22} {sub_bytes / reference:>9.0f}   "
                  f"(tokensmith {sub_bytes / ours:.0f} bytes/s on the same {len(subset)} line starts: "
                  f"{reference / ours:.1f}x)")


if __name__ == "__main__":
    main()
