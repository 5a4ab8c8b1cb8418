"""WordPiece side by side with HF ``tokenizers``: encode throughput and training time.

    PYTHONPATH=src python benchmarks/bench_wordpiece.py [--encode-mb 2] [--train-mb 20] [--vocab 30000]

Encode: BERT base cased ``vocab.txt`` on English text, tokensmith vs ``BertWordPieceTokenizer``
(one call on the whole text, no special tokens); median of ``--runs`` runs. Also the other
segmentation methods on the same vocabulary. Training: the first ``--train-mb`` MB of the English
corpus, ``--vocab`` tokens, tokensmith's likelihood-scored trainer vs HF's ``WordPieceTrainer``
(which scores merges by frequency, as BPE); one run each.
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


def bench_train(mb: float, vocab: int) -> None:
    from tokenizers import BertWordPieceTokenizer

    from tokensmith.train.wordpiece import train_wordpiece

    lines = read_mb(mb).split("\n")
    t = time.perf_counter()
    hf = BertWordPieceTokenizer(lowercase=True)
    hf.train_from_iterator(lines, vocab_size=vocab, min_frequency=2, limit_alphabet=1000)
    t_hf = time.perf_counter() - t
    t = time.perf_counter()
    ours = train_wordpiece(lines, vocab, lowercase=True, min_frequency=2, limit_alphabet=1000)
    t_ours = time.perf_counter() - t
    held = read_mb(1, offset=99_000_000)  # held out: from the last 5 MB of the corpus
    n_bytes = len(held.encode())
    c_hf = n_bytes / len(hf.encode(held, add_special_tokens=False).ids)
    c_ours = n_bytes / len(ours.encode_ordinary(held))
    print(f"train {mb:g} MB, vocab {vocab}")
    print(f"  hf WordPieceTrainer (frequency)    {t_hf:8.1f} s   held-out {c_hf:.3f} bytes/token")
    print(f"  tokensmith (likelihood)            {t_ours:8.1f} s   held-out {c_ours:.3f} bytes/token"
          f"   time ratio {t_ours / t_hf:.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encode-mb", type=float, default=2)
    parser.add_argument("--train-mb", type=float, default=20)
    parser.add_argument("--vocab", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    bench_encode(args.encode_mb, args.runs)
    if not args.skip_train:
        bench_train(args.train_mb, args.vocab)


if __name__ == "__main__":
    main()
