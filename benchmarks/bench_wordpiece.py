"""WordPiece side by side with HF ``tokenizers``: encode throughput and training time.

    PYTHONPATH=src python benchmarks/bench_wordpiece.py [--encode-mb 2] [--train-mb 20] [--vocab 32000]
        [--train-runs 3] [--trainers hf,frequency,likelihood,likelihood_mf2] [--skip-encode]

Encode: BERT base cased ``vocab.txt`` on English text, tokensmith vs ``BertWordPieceTokenizer``
(one call on the whole text, no special tokens); median of ``--runs`` runs. Also the other
segmentation methods on the same vocabulary. Training: the first ``--train-mb`` MB of the English
corpus as lines, ``--vocab`` tokens, HF's ``WordPieceTrainer`` vs tokensmith's trainer with each
score; every run in a fresh process (time, peak RSS, held-out bytes/token on 1 MB from the last
5 MB of the corpus), the trainers interleaved, medians of ``--train-runs``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = DATA / "corpora" / "en_gutenberg_100MB.txt"
VOCAB = DATA / "tokenizers" / "bert_base_cased_vocab.txt"


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def read_mb(mb: float, offset: int = 0) -> str:
    with open(CORPUS, "rb") as f:
        f.seek(offset)
        return f.read(int(mb * 1_000_000)).decode("utf-8", errors="ignore")


def bench_encode(mb: float, runs: int) -> None:
    from tokenizers import BertWordPieceTokenizer

    from tokensmith.formats.wordpiece_vocab import load_vocab_txt

    text = read_mb(mb, offset=50_000_000)
    size = len(text.encode()) / 1e6
    ours = load_vocab_txt(VOCAB, lowercase=False)
    hf = BertWordPieceTokenizer(str(VOCAB), lowercase=False)
    assert ours.encode_ordinary(text) == hf.encode(text, add_special_tokens=False).ids
    lines = text.split("\n")
    t_hf = median_time(lambda: hf.encode(text, add_special_tokens=False), runs)
    t_lines = median_time(lambda: hf.encode_batch(lines, add_special_tokens=False), runs)
    print(f"encode {size:.1f} MB, median of {runs}")
    print(f"  hf BertWordPieceTokenizer   {size / t_hf:7.2f} MB/s   (one call on the whole text)")
    print(f"  hf encode_batch of lines    {size / t_lines:7.2f} MB/s   (its threads)")
    for name in ("longest_prefix", "least_tokens", "longest_suffix", "longest_token"):
        tok = ours if name == "longest_prefix" else ours.with_segmenter(name)
        t = median_time(lambda: tok.encode_ordinary(text), runs)
        label = "tokensmith wordpiece" if name == "longest_prefix" else f"tokensmith {name}"
        print(f"  {label:<28}{size / t:7.2f} MB/s   ratio to hf {t_hf / t:.2f}")


TRAINERS = ("hf", "frequency", "likelihood", "likelihood_mf2")
LABELS = {"hf": "HF `WordPieceTrainer` (frequency: BPE with `##`)",
          "frequency": "tokensmith `score=\"frequency\"` (default)",
          "likelihood": "tokensmith `score=\"likelihood\"` (default guard)",
          "likelihood_mf2": "tokensmith `score=\"likelihood\", min_frequency=2`"}


def train_once(trainer: str, mb: float, vocab: int) -> dict:
    """One training in this (fresh) process: time, peak RSS, held-out bytes/token."""
    import resource

    lines = read_mb(mb).split("\n")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    if trainer == "hf":
        from tokenizers import BertWordPieceTokenizer

        tok = BertWordPieceTokenizer(lowercase=True)
        tok.train_from_iterator(lines, vocab_size=vocab, min_frequency=2, limit_alphabet=1000,
                                show_progress=False)
        encode = lambda text: tok.encode(text, add_special_tokens=False).ids  # noqa: E731
        size = tok.get_vocab_size()
    else:
        from tokensmith.models.wordpiece.trainer import train_wordpiece

        options = {"score": "likelihood", "min_frequency": 2} if trainer == "likelihood_mf2" else {"score": trainer}
        tok = train_wordpiece(lines, vocab, lowercase=True, limit_alphabet=1000, **options)
        encode, size = tok.encode_ordinary, tok.vocab_size
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    held = read_mb(1, offset=99_000_000)  # held out: from the last 5 MB of the corpus
    return {"seconds": seconds, "peak_mb": peak, "baseline_mb": baseline, "vocab": size,
            "bytes_per_token": len(held.encode()) / len(encode(held))}


def bench_train(mb: float, vocab: int, runs: int, trainers) -> None:
    """Each training in a fresh process (peak RSS is per trainer), the trainers interleaved."""
    import json
    import subprocess
    import sys

    results: dict[str, list[dict]] = {t: [] for t in trainers}
    for _ in range(runs):
        for trainer in trainers:
            out = subprocess.run([sys.executable, __file__, "--one", trainer, "--train-mb", str(mb),
                                  "--vocab", str(vocab)], check=True, capture_output=True, text=True)
            results[trainer].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"train {mb:g} MB, vocab {vocab}, median of {runs} runs (one fresh process per run)")
    print("| trainer | time | ratio to HF | peak RSS | vocab | held-out bytes/token | vs HF |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    med = {t: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for t, rs in results.items()}
    ref = med.get("hf")
    for trainer in trainers:
        m = med[trainer]
        ratio = f"{m['seconds'] / ref['seconds']:.2f}x" if ref else "-"
        comp = f"{(m['bytes_per_token'] / ref['bytes_per_token'] - 1) * 100:+.2f}%" if ref else "-"
        print(f"| {LABELS[trainer]} | {m['seconds']:.1f} s | {ratio} | {m['peak_mb']:.0f} MB "
              f"| {m['vocab']:,.0f} | {m['bytes_per_token']:.3f} | {comp} |")
    baseline = statistics.median(r["baseline_mb"] for rs in results.values() for r in rs)
    print(f"(peak RSS includes the process with the text read: {baseline:.0f} MB before training)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encode-mb", type=float, default=2)
    parser.add_argument("--train-mb", type=float, default=20)
    parser.add_argument("--vocab", type=int, default=32_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--train-runs", type=int, default=3)
    parser.add_argument("--trainers", default=",".join(TRAINERS),
                        help=f"comma-separated, of {', '.join(TRAINERS)}")
    parser.add_argument("--skip-train", action="store_true")
    parser.add_argument("--skip-encode", action="store_true")
    parser.add_argument("--one", choices=TRAINERS, help=argparse.SUPPRESS)  # a child: one training
    args = parser.parse_args()
    if args.one:
        import json

        print(json.dumps(train_once(args.one, args.train_mb, args.vocab)))
        return
    if not args.skip_encode:
        bench_encode(args.encode_mb, args.runs)
    if not args.skip_train:
        bench_train(args.train_mb, args.vocab, args.train_runs, args.trainers.split(","))


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
