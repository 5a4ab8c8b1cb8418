"""Data-mixture inference on tokenizers trained here on known mixtures: error, time and memory.

For each setting (number of categories), each seed draws the categories' byte shares from a flat
Dirichlet, trains a byte-level BPE tokenizer (``tokensmith.train(method="bpe")``) on that mixture,
and infers the shares from the tokenizer's merges with samples of held-out text of each
category. Categories: English prose (the shared Gutenberg corpus), Python code (this
interpreter's standard library) and NTREX-128 languages (first half of the lines to train, second
half as the sample). Each run is a child process, so its peak memory (max RSS) is its own.

    python benchmarks/bench_forensics.py [--settings 5,10,30] [--seeds 3] [--merges 3000]
                                          [--train-kb 300] [--sample-kb 150]

Prints one line per run and, per setting, the mean squared error (the paper's measure), the
median time of the counting and solving, and the median peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
NTREX = DATA / "parallel" / "ntrex128"
# 28 NTREX languages in many scripts, in a fixed order (the first ones serve the small settings)
LANGUAGES = ["deu", "rus", "fra", "jpn", "arb", "hin", "spa", "zho-CN", "tur", "ell", "kor", "pol",
             "heb", "tha", "ita", "vie", "ukr", "fas", "nld", "ben", "swe", "ces", "ind", "tam",
             "fin", "hun", "kat", "amh"]


def _ntrex(code: str) -> list[str]:
    return (NTREX / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()


def _prose(start: int, size: int) -> list[str]:
    with open(DATA / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(start)
        return f.read(size).decode("utf-8", "ignore").splitlines()[1:-1]


def _code() -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [p.read_text(encoding="utf-8", errors="ignore") for p in sorted(stdlib.glob("*.py"))]


def categories(n: int, train_kb: int, sample_kb: int) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (training pool, held-out sample)."""
    code = _code()
    out = {"english": (_prose(10_000_000, train_kb * 1000), _prose(60_000_000, sample_kb * 1000)),
           "python": (code[0::2], code[1::2])}
    for code_name in LANGUAGES[: n - 2]:
        lines = _ntrex(code_name)
        half = len(lines) // 2
        out[code_name] = (lines[:half], lines[half:])
    return out


def _take(texts: list[str], size: int) -> tuple[list[str], int]:
    taken, total = [], 0
    for t in texts:
        if total >= size:
            break
        taken.append(t)
        total += len(t.encode("utf-8"))
    return taken, total


def one_run(n: int, seed: int, merges: int, train_kb: int, sample_kb: int) -> dict:
    import numpy as np

    import tokensmith
    from tokensmith.forensics import mixture_inference

    cats = categories(n, train_kb, sample_kb)
    shares = np.random.default_rng(seed).dirichlet(np.ones(n))
    pools = {k: sum(len(t.encode()) for t in v[0]) for k, v in cats.items()}
    # the mixture's size: as asked, or less when a category has too little text for its share
    total = min(train_kb * 1000, *(pools[k] / s for k, s in zip(cats, shares)))
    train, truth = [], {}
    for (name, (pool, _)), share in zip(cats.items(), shares):
        taken, size = _take(pool, share * total)
        train += taken
        truth[name] = size
    truth = {k: v / sum(truth.values()) for k, v in truth.items()}
    samples = {k: _take(v[1], sample_kb * 1000)[0] for k, v in cats.items()}
    tok = tokensmith.train(train, method="bpe", vocab_size=256 + merges)
    start = time.perf_counter()
    result = mixture_inference(tok, samples, merges=merges)
    seconds = time.perf_counter() - start
    mse = float(np.mean([(truth[k] - result.proportions[k]) ** 2 for k in truth]))
    return {"categories": n, "seed": seed, "merges": merges, "train_bytes": int(total), "mse": mse,
            "seconds": seconds, "counting": result.seconds["counting"], "solving": result.seconds["solving"],
            "rounds": result.rounds, "constraints": result.constraints, "converged": result.converged,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--settings", default="5,10,30")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--merges", type=int, default=3000)
    ap.add_argument("--train-kb", type=int, default=300)
    ap.add_argument("--sample-kb", type=int, default=150)
    ap.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # child: categories, seed
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one[0], args.one[1], args.merges, args.train_kb, args.sample_kb)))
        return
    for n in [int(x) for x in args.settings.split(",")]:
        runs = []
        for seed in range(args.seeds):
            child = subprocess.run([sys.executable, __file__, "--one", str(n), str(seed), "--merges",
                                    str(args.merges), "--train-kb", str(args.train_kb),
                                    "--sample-kb", str(args.sample_kb)],
                                   capture_output=True, text=True, check=True)
            run = json.loads(child.stdout.strip().splitlines()[-1])
            runs.append(run)
            print(json.dumps(run), flush=True)
        print(f"{n} categories, {args.merges} merges: MSE {statistics.mean(r['mse'] for r in runs):.2e} "
              f"(max {max(r['mse'] for r in runs):.2e}); counting {statistics.median(r['counting'] for r in runs):.1f} s, "
              f"solving {statistics.median(r['solving'] for r in runs):.1f} s, "
              f"peak memory {statistics.median(r['max_rss_mb'] for r in runs):.0f} MB", flush=True)


if __name__ == "__main__":
    main()
