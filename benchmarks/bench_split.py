"""Pre-tokenization speed: the compiled splitter against ``regex.findall``, one thread.

For each named pattern and two texts (English prose; a multilingual mix of every NTREX-128
language), prints MB/s of UTF-8 input for
  count  ``_split.count_pieces``  (splitting alone: no Python objects)
  split  ``_split.split``         (returns the list of str pieces, like findall)
  regex  ``regex.findall``        (the reference)
and the ratio split / regex. Medians of --runs runs, in process CPU time (the splitters run on
one thread, and CPU time stays meaningful on a machine shared with other work).

    python benchmarks/bench_split.py [--mb 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tokensmith._core import _split  # noqa: E402
from tokensmith.pre_tokenizers.patterns import NAMED_PATTERNS  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PATTERNS = ["gpt2", "cl100k", "llama3", "o200k"]


def english(mb: float) -> str:
    with open(DATA / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        return f.read(int(mb * 1e6)).decode("utf-8", errors="ignore")


def multilingual(mb: float) -> str:
    """The same share of lines from every NTREX-128 language, about `mb` MB in all."""
    files = sorted((DATA / "parallel" / "ntrex128").glob("newstest2019-*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    total = sum(len(t.encode()) for t in texts)
    share = min(1.0, mb * 1e6 / total)
    parts = []
    for t in texts:
        lines = t.splitlines(keepends=True)
        parts.append("".join(lines[: max(1, int(len(lines) * share))]))
    return "".join(parts)


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="MB of each text (default 10)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median; default 3)")
    args = ap.parse_args()

    corpora = {"english": english(args.mb), "multilingual": multilingual(args.mb)}
    print(f"{'text':13} {'pattern':8} {'MB':>6} {'count MB/s':>11} {'split MB/s':>11} "
          f"{'regex MB/s':>11} {'split/regex':>12}")
    for label, text in corpora.items():
        mb = len(text.encode()) / 1e6
        for name in PATTERNS:
            pattern = regex.compile(NAMED_PATTERNS[name])
            assert _split.split(name, text) == pattern.findall(text)  # same work, same answer
            count = median_seconds(lambda: _split.count_pieces(name, text), args.runs)
            split = median_seconds(lambda: _split.split(name, text), args.runs)
            ref = median_seconds(lambda: pattern.findall(text), args.runs)
            print(f"{label:13} {name:8} {mb:6.1f} {mb / count:11.1f} {mb / split:11.1f} "
                  f"{mb / ref:11.1f} {ref / split:11.1f}x", flush=True)


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
