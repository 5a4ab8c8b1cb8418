"""LiB against plain BPE at LiB's own vocabulary size (its lexicon stops below the cap).

    PYTHONPATH=src python benchmarks/bench_lib_equal_vocab.py WORKDIR

WORKDIR is a ``bench_methods.py --workdir`` that holds ``lib.json``, ``bpe.json``, ``train.txt``
and ``held_out.txt``. BPE is retrained on the same slice at exactly LiB's number of ids, and
both are measured on the held-out text: bytes per token (fewer tokens) and distinct ids used
(fewer types), the two quantities LiB minimises.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(workdir: str) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from tokensmith import Tokenizer
    from tokensmith.trainers import train

    work = Path(workdir)
    held = (work / "held_out.txt").read_text(encoding="utf-8")
    size = len(held.encode("utf-8"))
    lib = Tokenizer.load(work / "lib.json")
    rows = [("lib", lib), ("bpe (32k run)", Tokenizer.load(work / "bpe.json")),
            (f"bpe at {lib.vocab_size}", train([str(work / "train.txt")], vocab_size=lib.vocab_size,
                                                  progress=False))]
    print("| tokenizer | ids | held-out bytes/token | distinct ids used | encode s (1 MB) |")
    print("|---|---:|---:|---:|---:|")
    for name, tok in rows:
        start = time.perf_counter()
        ids = tok.encode(held)
        seconds = time.perf_counter() - start
        print(f"| {name} | {tok.vocab_size} | {size / len(ids):.3f} | {len(set(ids))} | {seconds:.1f} |")
    tokens = lib.model.token_bytes()
    multi = sum(1 for t in tokens if len(t.strip().split(b" ")) >= 2)
    print(f"\nLiB tokens holding two or more words: {multi} of {lib.vocab_size}")
    return 0


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    sys.exit(main(sys.argv[1]))
