"""Unigram training: tokensmith vs SentencePiece vs HF tokenizers' UnigramTrainer.

Each trainer runs in a fresh process (the parent reads its peak RSS with
``getrusage(RUSAGE_CHILDREN)`` after it exits), on the first N MB of the English corpus, at the same
vocabulary size; held-out compression is UTF-8 bytes per token on the last 5 MB, line by line.
Ratios are tokensmith / peer. Medians over ``--runs``.

    python benchmarks/bench_train_unigram.py --sizes 20 95 --vocab 32000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "corpora" / "en_gutenberg_100MB.txt"
HELD_OUT = 5_000_000
TRAINERS = ("tokensmith", "sentencepiece", "hf")


def slice_corpus(mb: int, workdir: Path) -> tuple[Path, Path]:
    data = CORPUS.read_bytes()
    train = workdir / f"train_{mb}.txt"
    held = workdir / "held_out.txt"
    if not train.exists():
        train.write_bytes(data[:mb * 1_000_000].rsplit(b"\n", 1)[0] + b"\n")
    if not held.exists():
        held.write_bytes(data[-HELD_OUT:].split(b"\n", 1)[1])
    return train, held


def run_trainer(name: str, train: Path, held: Path, vocab: int, workdir: Path) -> dict:
    """Inside the child: train, then measure held-out bytes per token."""
    lines = [line for line in held.read_text(encoding="utf-8").split("\n") if line.strip()]
    n_bytes = sum(len(line.encode()) for line in lines)
    start = time.perf_counter()
    if name == "tokensmith":
        sys.path.insert(0, str(ROOT / "src"))
        from tokensmith.models.unigram.trainer import train_unigram

        tok = train_unigram(str(train), vocab)
        seconds = time.perf_counter() - start
        n_tokens = sum(len(ids) for ids in tok.encode_batch(lines))
    elif name == "sentencepiece":
        import sentencepiece as spm

        prefix = workdir / f"spm_{os.getpid()}"
        spm.SentencePieceTrainer.train(input=str(train), model_prefix=str(prefix), vocab_size=vocab,
                                       model_type="unigram", minloglevel=2,
                                       num_threads=os.cpu_count() or 1)
        seconds = time.perf_counter() - start
        sp = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
        n_tokens = sum(len(ids) for ids in sp.encode(lines))
    else:
        from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

        tk = Tokenizer(models.Unigram())
        tk.normalizer = normalizers.NFKC()
        tk.pre_tokenizer = pre_tokenizers.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=vocab, special_tokens=["<unk>"], unk_token="<unk>",
                                          show_progress=False)
        tk.train([str(train)], trainer)
        seconds = time.perf_counter() - start
        n_tokens = sum(len(e.ids) for e in tk.encode_batch(lines))
    return {"seconds": seconds, "bytes_per_token": n_bytes / n_tokens}


def measure(name: str, mb: int, vocab: int, workdir: Path) -> dict:
    """In a fresh monitor process: run the trainer as its child and read the child's peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--child", name, "--sizes", str(mb), "--vocab", str(vocab),
                          "--workdir", str(workdir)], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    # CPU seconds of the whole child (all threads, training and the held-out encoding): a
    # measure that a busy machine distorts less than wall time.
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 95])
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--trainers", nargs="+", default=list(TRAINERS))
    ap.add_argument("--workdir")
    ap.add_argument("--child")
    ap.add_argument("--monitor")
    args = ap.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench_unigram_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.child:
        train, held = slice_corpus(args.sizes[0], workdir)
        print(json.dumps(run_trainer(args.child, train, held, args.vocab, workdir)))
        return
    if args.monitor:
        print(json.dumps(measure(args.monitor, args.sizes[0], args.vocab, workdir)))
        return
    for mb in args.sizes:
        slice_corpus(mb, workdir)
        results: dict[str, list[dict]] = {t: [] for t in args.trainers}
        for _ in range(args.runs):
            for name in args.trainers:
                out = subprocess.run([sys.executable, __file__, "--monitor", name, "--sizes", str(mb),
                                      "--vocab", str(args.vocab), "--workdir", str(workdir)],
                                     capture_output=True, text=True, check=True)
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        med = {name: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
               for name, runs in results.items() if runs}
        print(f"\n{mb} MB, vocab {args.vocab}, median of {args.runs} run(s)")
        print(f"{'trainer':<14}{'seconds':>10}{'CPU s (all)':>13}{'peak RSS MB':>14}{'held-out bytes/token':>24}")
        for name, m in med.items():
            print(f"{name:<14}{m['seconds']:>10.1f}{m['cpu_seconds']:>13.1f}{m['peak_rss_mb']:>14.0f}"
                  f"{m['bytes_per_token']:>24.4f}")
        if "tokensmith" in med:
            ours = med["tokensmith"]
            for peer in (n for n in med if n != "tokensmith"):
                p = med[peer]
                print(f"tokensmith / {peer}: time x{ours['seconds'] / p['seconds']:.2f}, "
                      f"CPU x{ours['cpu_seconds'] / p['cpu_seconds']:.2f}, "
                      f"RSS x{ours['peak_rss_mb'] / p['peak_rss_mb']:.2f}, "
                      f"compression x{ours['bytes_per_token'] / p['bytes_per_token']:.4f}")


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
