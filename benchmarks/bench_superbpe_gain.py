"""SuperBPE's compression gain over BPE at the same vocabulary size, on held-out English.

    PYTHONPATH=src python benchmarks/bench_superbpe_gain.py --train-mb 5 --vocab 8000

Trains plain BPE and SuperBPE (official stage-2 pre-tokenization; with the default word cap and
without it) on the first ``--train-mb`` MB of the English corpus and reports bytes per token on
its last ``--held-out-mb`` MB, the gain over BPE, and the share of held-out tokens that are
superwords (contain a space between two non-spaces).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

CROSSES = re.compile(rb"\S\s+\S")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-mb", type=float, default=5)
    parser.add_argument("--held-out-mb", type=float, default=1)
    parser.add_argument("--vocab", type=int, default=8000)
    args = parser.parse_args()

    from bench_methods import slice_corpus
    from tokensmith.trainers import train

    workdir = Path(tempfile.mkdtemp(prefix="bench_superbpe_gain_"))
    train_path, held_path = slice_corpus(args.train_mb, args.held_out_mb, workdir)
    held = held_path.read_text(encoding="utf-8")
    held_bytes = len(held.encode("utf-8"))
    runs = [("bpe", "bpe", {}), ("superbpe (max_words=4, default)", "superbpe", {}),
            ("superbpe (max_words=None, as the official code)", "superbpe", {"max_words": None})]
    print(f"train: first {args.train_mb} MB of en_gutenberg_100MB.txt; held-out: last "
          f"{args.held_out_mb} MB; vocabulary {args.vocab}\n")
    print("| tokenizer | bytes/token (held-out) | vs BPE | superword tokens | train s |")
    print("|---|---|---|---|---|")
    base = None
    for label, method, options in runs:
        start = time.perf_counter()
        tok = train([str(train_path)], method=method, vocab_size=args.vocab, progress=False, **options)
        seconds = time.perf_counter() - start
        ids = tok.encode(held)
        ratio = held_bytes / len(ids)
        base = base or ratio
        superwords = sum(bool(CROSSES.search(tok.token_bytes(i))) for i in ids) / len(ids)
        print(f"| {label} | {ratio:.3f} | {100 * (ratio / base - 1):+.1f}% | {100 * superwords:.1f}% "
              f"| {seconds:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    raise SystemExit(main())
