"""SuperBPE's two stages timed apart, per byte of training text, against the published speed.

    PYTHONPATH=src python benchmarks/bench_superbpe_stage2.py --train-mb 20 --vocab 32000

The SuperBPE paper's faster training (candidate supermerges aggregated by frequency) is reported
as about 600 s for 1 GB of text in Rust, i.e. about 1.7 MB/s. Stage 2 here counts the distinct
superword spans with the shared pre-token counter, then resumes the compiled BPE trainer from
stage 1's merges. Prints wall and CPU seconds of each stage, MB/s, and the peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORPUS = DATA / "corpora" / "en_gutenberg_100MB.txt"
PUBLISHED_MB_PER_S = 1000 / 600  # 1 GB in about 600 s (Rust)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-mb", type=float, default=20)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--transition", type=float, default=0.9)
    args = parser.parse_args()

    from tokensmith.trainers.method_utils import READING_DEFAULTS, count_pieces
    from tokensmith.models.bpe.trainer import train_bpe_from_counts
    from tokensmith.trainers.superbpe import train_stage_two, transition_size, word_count

    with open(CORPUS, "rb") as f:
        data = f.read(int(args.train_mb * 1e6))
    text = data[: data.rfind(b"\n") + 1].decode("utf-8")
    mb = len(text.encode("utf-8")) / 1e6
    t = transition_size(args.transition, args.vocab)
    opts = READING_DEFAULTS

    wall, used = time.perf_counter(), cpu()
    stage1 = train_bpe_from_counts(count_pieces([text], "cl100k", opts), t - 256)
    s1_wall, s1_cpu = time.perf_counter() - wall, cpu() - used

    wall, used = time.perf_counter(), cpu()
    stage2 = train_stage_two([text], stage1, args.vocab - t, opts, 2, allowed=lambda b: word_count(b) <= 4)
    s2_wall, s2_cpu = time.perf_counter() - wall, cpu() - used
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{mb:.1f} MB, vocab {args.vocab} (transition {t}): stage 1 {len(stage1)} merges, "
          f"stage 2 {len(stage2)} merges")
    print(f"stage 1: {s1_wall:.1f} s wall, {s1_cpu:.1f} s CPU")
    print(f"stage 2: {s2_wall:.1f} s wall, {s2_cpu:.1f} s CPU -> {mb / s2_wall:.2f} MB/s wall, "
          f"{mb / s2_cpu:.2f} MB/s CPU; published {PUBLISHED_MB_PER_S:.2f} MB/s "
          f"(ratio {mb / s2_cpu / PUBLISHED_MB_PER_S:.2f}x by CPU time)")
    print(f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    sys.exit(main())
