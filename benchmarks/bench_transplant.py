"""Time and peak memory of each transplant method on synthetic matrices, beside mergekit's OMP.

A 32,000-row vocabulary (width 4,096) moved onto a 50,000-row one sharing ``--shared`` tokens:
the methods get a synthetic context (the match is given: shared ids, and for FVT/OMP each new
token spelled by 1-4 old ids), so the numbers are the methods' own numerical work. Peak memory is
the largest resident set growth during a run (psutil, sampled), one process per method.
mergekit's ``batch_omp`` (tokensurgeon, torch, CPU) runs on a sample of targets and is
extrapolated linearly (it is linear in the number of targets).

    PYTHONPATH=src python benchmarks/bench_transplant.py [--old 32000 --new 50000 --width 4096]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np


@dataclass
class Vocabulary:
    vocab_size: int


def synthetic(old: int, new: int, width: int, shared: int, seed: int = 0):
    from tokensmith.transplant.context import TransplantContext
    from tokensmith.transplant.matching import TokenMeanings, VocabularyMatch

    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((old, width), dtype=np.float32) * 0.02
    new_shared = rng.choice(new, shared, replace=False)
    old_shared = rng.choice(old, shared, replace=False)
    pairs = dict(zip(new_shared.tolist(), old_shared.tolist()))
    ctx = TransplantContext(Vocabulary(old), Vocabulary(new), pairs, input_embeddings=matrix)
    ctx.match = VocabularyMatch(TokenMeanings([], frozenset(), {}), TokenMeanings([], frozenset(), {}), pairs)
    spell = {i: rng.integers(0, old, rng.integers(1, 5)).tolist() for i in range(new) if i not in pairs}
    ctx.match.cache["decompositions"] = spell
    return ctx, matrix


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def measure(name: str, args, queue) -> None:
    from tokensmith.transplant.methods import method_module

    ctx, matrix = synthetic(args.old, args.new, args.width, args.shared)
    module = method_module(name)
    base, peak, done = rss(), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss() - base)
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    module.initialize(ctx, matrix)
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    queue.put((seconds, peak[0]))


def mergekit_seconds(args, sample: int) -> float | None:
    try:
        import torch

        sys.path.insert(0, "tests")
        from test_transplant_methods import mergekit_batch_omp

        reference = mergekit_batch_omp()
    except Exception as exc:  # noqa: BLE001 - report why it did not run
        print(f"mergekit: not run ({exc})")
        return None
    rng = np.random.default_rng(0)
    atoms = torch.from_numpy(rng.standard_normal((args.shared, args.width), dtype=np.float32))
    targets = torch.from_numpy(rng.standard_normal((sample, args.width), dtype=np.float32))
    started = time.perf_counter()
    reference(targets, atoms, 64)
    return (time.perf_counter() - started) * (args.new - args.shared) / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=int, default=32_000)
    parser.add_argument("--new", type=int, default=50_000)
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--shared", type=int, default=16_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--methods", default="copy,fvt,omp")
    parser.add_argument("--mergekit-sample", type=int, default=256)
    args = parser.parse_args()
    two = (args.old + args.new) * args.width * 4 / 2**30
    print(f"{args.old:,} -> {args.new:,} rows at width {args.width:,}, {args.shared:,} shared; "
          f"the two float32 matrices: {two:.2f} GiB\n")
    print("| method | seconds (median) | peak memory (GiB) | x the two matrices |\n|---|---|---|---|")
    context = mp.get_context("spawn")
    for name in args.methods.split(","):
        runs = []
        for _ in range(args.repeats):
            queue = context.Queue()
            process = context.Process(target=measure, args=(name, args, queue))
            process.start()
            runs.append(queue.get())
            process.join()
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs) / 2**30
        print(f"| {name} | {seconds:.1f} | {peak:.2f} | {peak / two:.1f} |", flush=True)
    extrapolated = mergekit_seconds(args, args.mergekit_sample)
    if extrapolated is not None:
        print(f"| mergekit batch_omp (k=64, all anchors; {args.mergekit_sample} targets, extrapolated) | "
              f"{extrapolated:.0f} | | |")


if __name__ == "__main__":
    main()
