"""Data-mixture inference: error on tokenizers trained here on known mixtures, and the estimates
for the real tokenizers of ``../shared/data``.

Controlled runs: for each setting (number of categories), each seed draws the categories' byte
shares from a flat Dirichlet, trains a byte-level BPE tokenizer (``tokensmith.train(method="bpe")``)
on that mixture and infers the shares from the tokenizer's merges with held-out samples of each
category. As in the paper's training script, the mixture has a fixed size and each category's
text is repeated as needed to fill its share. Categories: English prose (the shared Gutenberg
corpus, cut into 8 kB chunks spread over the whole file: even chunks train, odd chunks sample),
Python code (this interpreter's standard library: even files train, odd files sample) and NTREX-128
languages (first half of the lines to train, second half as the sample; up to 98 languages). Each run is a child
process, so its peak memory (max RSS) is its own.

    python benchmarks/bench_forensics.py [--settings 5,10,30,100] [--seeds 3] [--merges 3000]
                                          [--train-mb 2] [--sample-kb 1000]
                                          [--trainer tokensmith|sentencepiece]
    python benchmarks/bench_forensics.py --real [--merges 3000]

Prints one line per run and, per setting, the mean squared error (the paper's measure), the
median time of the counting and solving, and the median peak memory. ``--real`` prints, per
shared tokenizer, the estimated shares over English prose, Python code and ten NTREX languages.
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
sys.path.insert(0, str(ROOT / "benchmarks"))
from provenance import print_provenance  # noqa: E402

DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
NTREX = DATA / "parallel" / "ntrex128"
GUTENBERG = DATA / "corpora" / "en_gutenberg_100MB.txt"
# 28 NTREX languages in many scripts, in a fixed order (the first ones serve the small settings)
LANGUAGES = ["deu", "rus", "fra", "jpn", "arb", "hin", "spa", "zho-CN", "tur", "ell", "kor", "pol",
             "heb", "tha", "ita", "vie", "ukr", "fas", "nld", "ben", "swe", "ces", "ind", "tam",
             "fin", "hun", "kat", "amh"]
REAL_LANGUAGES = ["deu", "fra", "spa", "rus", "zho-CN", "jpn", "arb", "hin", "kor", "vie"]
REAL_TOKENIZERS = ["r50k_base.tiktoken", "cl100k_base.tiktoken", "o200k_base.tiktoken",
                   "llama2_tokenizer.model", "mistral_v3_tokenizer.model"]
CHUNK = 8000


def _ntrex(code: str) -> list[str]:
    return (NTREX / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()


def _prose(kb: int, parity: int) -> list[str]:
    """About ``kb`` kB of Gutenberg lines from chunks spread over the file (every other chunk,
    from ``parity``): many books, so training and sample follow one distribution."""
    n = 2 * (kb * 1000 // CHUNK + 1)
    size = GUTENBERG.stat().st_size
    lines: list[str] = []
    with open(GUTENBERG, "rb") as f:
        for i in range(parity, n, 2):
            f.seek(i * (size - CHUNK) // n)
            lines += f.read(CHUNK).decode("utf-8", "ignore").splitlines()[1:-1]
    return lines


def _code() -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [p.read_text(encoding="utf-8", errors="ignore") for p in sorted(stdlib.glob("*.py"))]


def _languages() -> list[str]:
    """LANGUAGES, then the other NTREX languages in file order (English ones left out: English
    prose is its own category)."""
    listed = [line.split()[0] for line in (NTREX / "LANGUAGES.tsv").read_text(encoding="utf-8").splitlines() if line]
    rest = [c for c in listed if c not in LANGUAGES and not c.startswith("eng")
            and (NTREX / f"newstest2019-ref.{c}.txt").exists()]
    return LANGUAGES + rest


def categories(n: int, train_kb: int, sample_kb: int) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (training pool, held-out sample)."""
    code = _code()
    out = {"english": (_prose(train_kb, 0), _prose(sample_kb, 1)), "python": (code[0::2], code[1::2])}
    languages = _languages()
    if n - 2 > len(languages):
        raise SystemExit(f"at most {len(languages) + 2} categories")
    for code_name in languages[: n - 2]:
        lines = _ntrex(code_name)
        half = len(lines) // 2
        out[code_name] = (lines[:half], lines[half:])
    return out


def _take(texts: list[str], size: float) -> tuple[list[str], int]:
    """Texts from the start until ``size`` bytes."""
    taken, total = [], 0
    for t in texts:
        if total >= size:
            break
        taken.append(t)
        total += len(t.encode("utf-8"))
    return taken, total


def _fill(texts: list[str], size: float) -> tuple[list[str], int]:
    """Texts in order, repeated as needed, until ``size`` bytes."""
    taken, total = [], 0
    while total < size:
        part, got = _take(texts, size - total)
        taken += part
        total += got
    return taken, total


def _train(texts: list[str], merges: int, trainer: str):
    """A byte-level BPE trained here, or a SentencePiece BPE (character level, byte fallback)
    trained by the ``sentencepiece`` library: the two kinds of merge lists the inference reads."""
    import tokensmith

    if trainer == "tokensmith":
        return tokensmith.train(texts, method="bpe", vocab_size=256 + merges)
    import tempfile

    import sentencepiece as spm

    work = tempfile.mkdtemp(prefix="bench-forensics-")
    corpus = Path(work) / "train.txt"
    corpus.write_text("".join(line + "\n" for t in texts for line in t.splitlines() if line.strip()),
                      encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=f"{work}/m", model_type="bpe",
                                   vocab_size=merges + 259 + len(set("".join(texts))),
                                   byte_fallback=True, split_digits=True,
                                   max_sentence_length=100000, minloglevel=2, num_threads=1)
    return tokensmith.load(f"{work}/m.model")


def one_run(n: int, seed: int, merges: int, train_mb: float, sample_kb: int,
            trainer: str = "tokensmith") -> dict:
    import numpy as np

    from tokensmith.forensics import mixture_inference

    total = train_mb * 1e6
    cats = categories(n, int(total / 1000), sample_kb)
    shares = np.random.default_rng(seed).dirichlet(np.ones(n))
    train, truth = [], {}
    for (name, (pool, _)), share in zip(cats.items(), shares):
        taken, size = _fill(pool, share * total)
        train += taken
        truth[name] = size
    truth = {k: v / sum(truth.values()) for k, v in truth.items()}
    samples = {k: _take(v[1], sample_kb * 1000)[0] for k, v in cats.items()}
    tok = _train(train, merges, trainer)
    start = time.perf_counter()
    result = mixture_inference(tok, samples, merges=merges)
    seconds = time.perf_counter() - start
    mse = float(np.mean([(truth[k] - result.proportions[k]) ** 2 for k in truth]))
    return {"categories": n, "seed": seed, "trainer": trainer, "merges": merges, "train_bytes": int(total), "mse": mse,
            "seconds": seconds, "counting": result.seconds["counting"], "solving": result.seconds["solving"],
            "rounds": result.rounds, "constraints": result.constraints, "converged": result.converged,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def real_run(name: str, merges: int, sample_kb: int) -> dict:
    from tokensmith.forensics import mixture_inference

    samples = {"english": _prose(sample_kb, 1), "python": _take(_code(), sample_kb * 1000)[0]}
    for code_name in REAL_LANGUAGES:
        samples[code_name] = _ntrex(code_name)
    start = time.perf_counter()
    result = mixture_inference(DATA / "tokenizers" / name, samples, merges=merges)
    return {"tokenizer": name, "merges": merges, "seconds": time.perf_counter() - start,
            "rounds": result.rounds, "constraints": result.constraints, "converged": result.converged,
            "merges_used": result.merges_used, "merges_missing": result.merges_missing,
            "proportions": result.proportions, "sample_bytes": result.sample_bytes,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(*args: str) -> dict:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--settings", default="5,10,30")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--merges", type=int, default=3000)
    ap.add_argument("--train-mb", type=float, default=2.0)
    ap.add_argument("--sample-kb", type=int, default=1000)
    ap.add_argument("--trainer", choices=["tokensmith", "sentencepiece"], default="tokensmith",
                    help="byte-level BPE trained here, or SentencePiece BPE (character level)")
    ap.add_argument("--real", action="store_true", help="the shared tokenizers instead of controlled runs")
    ap.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)  # child: categories, seed
    ap.add_argument("--one-real", help=argparse.SUPPRESS)                # child: tokenizer file
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one[0], args.one[1], args.merges, args.train_mb, args.sample_kb,
                                 args.trainer)))
        return
    if args.one_real:
        print(json.dumps(real_run(args.one_real, args.merges, args.sample_kb)))
        return
    print_provenance()
    common = ["--merges", str(args.merges), "--sample-kb", str(args.sample_kb)]
    if args.real:
        runs = []
        for name in REAL_TOKENIZERS:
            run = _child("--one-real", name, *common)
            runs.append(run)
            print(json.dumps(run), flush=True)
        names = list(runs[0]["proportions"])
        print("| category | " + " | ".join(r["tokenizer"].split("_")[0] for r in runs) + " |")
        print("|---|" + "---:|" * len(runs))
        for name in names:
            print(f"| {name} | " + " | ".join(f"{100 * r['proportions'][name]:.1f}%" for r in runs) + " |")
        print("| solving time | " + " | ".join(f"{r['seconds']:.0f} s" for r in runs) + " |")
        return
    for n in [int(x) for x in args.settings.split(",")]:
        runs = []
        for seed in range(args.seeds):
            run = _child("--one", str(n), str(seed), "--train-mb", str(args.train_mb),
                         "--trainer", args.trainer, *common)
            runs.append(run)
            print(json.dumps(run), flush=True)
        print(f"{n} categories, {args.merges} merges: MSE {statistics.mean(r['mse'] for r in runs):.2e} "
              f"(max {max(r['mse'] for r in runs):.2e}); counting {statistics.median(r['counting'] for r in runs):.1f} s, "
              f"solving {statistics.median(r['solving'] for r in runs):.1f} s, "
              f"peak memory {statistics.median(r['max_rss_mb'] for r in runs):.0f} MB", flush=True)


if __name__ == "__main__":
    main()
