"""Dataset encoding throughput: local threads vs Ray tasks, on the English corpus.

Encodes the first ``--mb`` MB of the English corpus (as JSON Lines records of about 4 KB, the
shape of a pre-training corpus) into uint16 shards with the GPT-2 (r50k) tokenizer, with
``backend="local"`` and ``backend="ray"`` in one process (one Ray session, started before
timing), checks that both wrote the same bytes, and prints MB/s (medians of ``--runs``) and the
ratio. tiktoken's ``encode_ordinary_batch`` on the same records is printed as a peer for the
encoding itself (it writes no shards).

    python benchmarks/bench_dataset.py --mb 50 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
RECORD_BYTES = 4096


def make_corpus(mb: int, directory: Path) -> tuple[Path, list[str], int]:
    raw = (DATA / "corpora" / "en_gutenberg_100MB.txt").read_bytes()[: mb * 1_000_000]
    text = raw.decode("utf-8", errors="ignore")
    records = [text[i:i + RECORD_BYTES] for i in range(0, len(text), RECORD_BYTES)]
    path = directory / "english.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"text": r}) + "\n")
    return path, records, len(text.encode("utf-8"))


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    import ray
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    from tokensmith.dataset import encode_corpus
    from tokensmith.formats import load
    from tokensmith.tokenizer import Tokenizer

    path = DATA / "tokenizers" / "r50k_base.tiktoken"
    base = load(path, pattern="gpt2")
    tokenizer = Tokenizer(base.model, base.splitter, special_tokens={"<|endoftext|>": 50256},
                          name="r50k_base")
    reference = tiktoken.Encoding("r50k", pat_str=base.splitter.pattern,
                                  mergeable_ranks=load_tiktoken_bpe(str(path)), special_tokens={})

    work = Path(tempfile.mkdtemp(prefix="bench-dataset-"))
    try:
        corpus, records, nbytes = make_corpus(args.mb, work)
        mb = nbytes / 1e6
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR")
        outputs = {}

        def run(backend: str):
            out = work / backend
            encode_corpus(tokenizer, [str(corpus)], out, append_eot="<|endoftext|>",
                          backend=backend, num_workers=args.workers, overwrite=True)
            outputs[backend] = out

        encode_corpus(tokenizer, ["warm up"], work / "warm", backend="ray")  # workers started
        results = {b: median_time(lambda b=b: run(b), args.runs) for b in ("local", "ray")}
        same = all((outputs["local"] / p.name).read_bytes() == p.read_bytes()
                   for p in outputs["ray"].iterdir())
        results["tiktoken (encode only)"] = median_time(
            lambda: reference.encode_ordinary_batch(records, num_threads=args.workers), args.runs)
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{mb:.1f} MB of English as {len(records)} JSONL records, r50k, "
          f"{args.workers} workers, median of {args.runs}; local and ray outputs identical: {same}")
    print(f"{'backend':<24}{'seconds':>9}{'MB/s':>9}{'vs local':>10}")
    for name, seconds in results.items():
        print(f"{name:<24}{seconds:>9.2f}{mb / seconds:>9.1f}{results['local'] / seconds:>10.2f}")


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
