"""Unigram (Viterbi) and SentencePiece-BPE encode throughput: tokensmith against sentencepiece,
in one process, on English held-out text encoded line by line.

A SentencePiece Unigram model (vocabulary 8,000) is trained here on the first 5 MB of the
English corpus so both libraries run the very same .model file; Llama 2's BPE model is timed too.
Prints MB/s (median of several runs), the ratio, and whether the ids agree.

    PYTHONPATH=src python benchmarks/bench_unigram_encode.py [--mb 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import sentencepiece as spm

from tokensmith.formats import load

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = DATA / "corpora" / "en_gutenberg_100MB.txt"


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size = os.path.getsize(CORPUS)
    with open(CORPUS, "rb") as f:
        train = f.read(5_000_000).decode("utf-8", "ignore")
        f.seek(size - int(args.mb * 1_000_000))
        held_out = f.read().decode("utf-8", "ignore")
    lines = held_out.split("\n")
    megabytes = len(held_out.encode()) / 1e6

    with tempfile.TemporaryDirectory() as tmp:
        text_file = Path(tmp) / "train.txt"
        text_file.write_text(train, encoding="utf-8")
        spm.SentencePieceTrainer.train(input=str(text_file), model_prefix=f"{tmp}/uni", vocab_size=8000,
                                       model_type="unigram", byte_fallback=True, minloglevel=2)
        models = {"unigram 8k (trained here)": f"{tmp}/uni.model",
                  "llama2 BPE 32k": str(DATA / "tokenizers" / "llama2_tokenizer.model")}
        print(f"{megabytes:.2f} MB of English held-out text, {len(lines)} lines, median of {args.runs} runs")
        print(f"{'model':28} {'tokensmith MB/s':>16} {'sentencepiece MB/s':>19} {'ratio':>7}  ids equal")
        for name, path in models.items():
            ref = spm.SentencePieceProcessor(model_file=path)
            ours = load(path)

            def run_ours():
                ours.model._cache.clear()  # measure cold segmentation, not the cache alone
                return [ours.encode(line, disallowed_special=()) for line in lines]

            ours_time, ours_ids = timed(run_ours, args.runs)
            ref_time, ref_ids = timed(lambda: ref.encode(lines), args.runs)
            print(f"{name:28} {megabytes / ours_time:16.2f} {megabytes / ref_time:19.2f} "
                  f"{ref_time / ours_time:7.2f}  {ours_ids == ref_ids}")


if __name__ == "__main__":
    main()
