"""Byte-level BPE training: tokensmith against rustbpe, bpeasy, HF tokenizers and SentencePiece.

Same corpus (the first --mb MB of the English corpus, cut at a line end), same vocabulary size,
cl100k split pattern. Each training runs in a fresh Python process, started by a small runner
process that reads the trainer's peak RSS with ``resource.getrusage(RUSAGE_CHILDREN)``; wall time
is the training call alone (reading the corpus included: every trainer streams it from disk).
Compression is bytes per token on held-out text (the last --heldout-mb MB of the corpus), each
tokenizer encoding with its own library (rustbpe and bpeasy vocabularies through tiktoken).

    python benchmarks/bench_train.py                  # 95 MB, vocab 65,536, every trainer
    python benchmarks/bench_train.py --mb 10 --trainers tokensmith,rustbpe --runs 3

Pattern spelling: rustbpe and tokensmith take cl100k's pattern as tiktoken writes it; HF
tokenizers (Oniguruma reads ``{1,3}+`` as a repeated repeat) and bpeasy get the equivalent
spelling without possessive quantifiers (``llama3`` in tokensmith.pre_tokenizers.patterns). SentencePiece has its
own pre-tokenization (whitespace-prefixed pieces) and gets the text as lines.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.join(ROOT, "..", "shared", "data", "corpora", "en_gutenberg_100MB.txt")
TRAINERS = ["tokensmith", "rustbpe", "bpeasy", "hf", "sentencepiece"]
BLOCK = 64 * 1024  # peers read the corpus as ~64 kB strings of whole lines

# The split patterns, spelt out so that peers' processes need not import tokensmith (and numpy);
# main() checks that they are tokensmith.pre_tokenizers.patterns's.
CL100K = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
LLAMA3 = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def blocks(path: str):
    """The corpus as strings of whole lines, about BLOCK characters each."""
    with open(path, encoding="utf-8") as f:
        buf: list[str] = []
        size = 0
        for line in f:
            buf.append(line)
            size += len(line)
            if size >= BLOCK:
                yield "".join(buf)
                buf, size = [], 0
        if buf:
            yield "".join(buf)


# -- one training, in its own process ----------------------------------------------------------

def train_one(name: str, corpus: str, vocab: int, out: str) -> float:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    start = time.perf_counter()
    if name == "tokensmith":
        import tokensmith

        tok = tokensmith.train_bpe(corpus, vocab, pattern="cl100k", progress=False)
        seconds = time.perf_counter() - start
        tok.save(os.path.join(out, "tokensmith.json"))
    elif name == "rustbpe":
        import rustbpe

        tok = rustbpe.Tokenizer()
        tok.train_from_iterator(blocks(corpus), vocab, pattern=CL100K)
        seconds = time.perf_counter() - start
        save_ranks(dict(tok.get_mergeable_ranks()), os.path.join(out, "rustbpe.tiktoken"))
    elif name == "bpeasy":
        import bpeasy

        ranks = bpeasy.train_bpe(blocks(corpus), LLAMA3, 128, vocab)
        seconds = time.perf_counter() - start
        save_ranks(ranks, os.path.join(out, "bpeasy.tiktoken"))
    elif name == "hf":
        from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
        trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, show_progress=False,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tok.train_from_iterator(blocks(corpus), trainer)
        seconds = time.perf_counter() - start
        tok.save(os.path.join(out, "hf.json"))
    elif name == "sentencepiece":
        import sentencepiece as spm

        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=os.path.join(out, "sentencepiece"), model_type="bpe",
            vocab_size=vocab, byte_fallback=True, character_coverage=1.0, input_sentence_size=0,
            num_threads=os.cpu_count() or 1, max_sentence_length=1 << 16, minloglevel=2)
        seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown trainer {name}")
    return seconds


def save_ranks(ranks: dict[bytes, int], path: str) -> None:
    with open(path, "w") as f:
        for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
            f.write(f"{base64.b64encode(token).decode()} {rank}\n")


def measure(name: str, corpus: str, vocab: int, out: str, timeout: float) -> dict:
    """Run one training in a child process; its peak RSS comes from RUSAGE_CHILDREN."""
    cmd = [sys.executable, __file__, "--child", name, "--corpus", corpus, "--vocab", str(vocab),
           "--out", out]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


# -- compression on held-out text -----------------------------------------------------------------

def tokens_on(name: str, out: str, text: str) -> int:
    sys.path.insert(0, os.path.join(ROOT, "src"))
    if name == "tokensmith":
        import tokensmith

        return len(tokensmith.load(os.path.join(out, "tokensmith.json")).encode(text))
    if name in ("rustbpe", "bpeasy"):
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        ranks = load_tiktoken_bpe(os.path.join(out, f"{name}.tiktoken"))
        enc = tiktoken.Encoding(name, pat_str=CL100K, mergeable_ranks=ranks, special_tokens={})
        return len(enc.encode_ordinary(text))
    if name == "hf":
        from tokenizers import Tokenizer

        return len(Tokenizer.from_file(os.path.join(out, "hf.json")).encode(text).ids)
    if name == "sentencepiece":
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=os.path.join(out, "sentencepiece.model"))
        return sum(len(ids) for ids in sp.encode(text.splitlines()))
    raise SystemExit(f"unknown trainer {name}")


# -- the whole benchmark --------------------------------------------------------------------------

def slice_corpus(source: str, mb: float, heldout_mb: float, workdir: str) -> tuple[str, str]:
    """(training file: first `mb` MB cut at a line end, held-out text: last `heldout_mb` MB)."""
    train_path = os.path.join(workdir, f"train_{mb:g}MB.txt")
    with open(source, "rb") as f:
        data = f.read(int(mb * 1e6))
        data += f.readline()  # finish the last line
        f.seek(-int(heldout_mb * 1e6), os.SEEK_END)
        f.readline()
        held = f.read().decode("utf-8")
    with open(train_path, "wb") as f:
        f.write(data)
    return train_path, held


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--mb", type=float, default=95.0, help="MB of training text (default 95)")
    ap.add_argument("--heldout-mb", type=float, default=5.0)
    ap.add_argument("--vocab", type=int, default=65536)
    ap.add_argument("--trainers", default=",".join(TRAINERS))
    ap.add_argument("--runs", type=int, default=1, help="runs per trainer (median reported)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per training")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:  # inside the training process
        seconds = train_one(args.child, args.corpus, args.vocab, args.out)
        print(json.dumps({"seconds": seconds}))
        return
    if args.out:  # inside the runner process: one training in a fresh child
        print(json.dumps(measure(args.trainers, args.corpus, args.vocab, args.out, args.timeout)))
        return

    sys.path.insert(0, os.path.join(ROOT, "src"))
    import tokensmith.pre_tokenizers.patterns

    assert (CL100K, LLAMA3) == (tokensmith.pre_tokenizers.patterns.CL100K, tokensmith.pre_tokenizers.patterns.LLAMA3)
    names = [n for n in args.trainers.split(",") if n]
    with tempfile.TemporaryDirectory(prefix="bench_train_") as workdir:
        corpus, held = slice_corpus(args.corpus, args.mb, args.heldout_mb, workdir)
        held_bytes = len(held.encode("utf-8"))
        print(f"training text: {os.path.getsize(corpus) / 1e6:.1f} MB, held-out: "
              f"{held_bytes / 1e6:.1f} MB, vocab {args.vocab}, cl100k pattern, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        rows = {}
        for name in names:
            out = os.path.join(workdir, name)
            os.makedirs(out, exist_ok=True)
            runs = []
            for _ in range(args.runs):
                # A runner process per run, so that RUSAGE_CHILDREN holds this training only.
                cmd = [sys.executable, __file__, "--trainers", name, "--corpus", corpus,
                       "--vocab", str(args.vocab), "--out", out, "--timeout", str(args.timeout)]
                done = subprocess.run(cmd, capture_output=True, text=True)
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0
                            else {"error": done.stderr.strip()[-300:]})
                print(f"  {name}: {runs[-1]}", flush=True)
            good = [r for r in runs if "error" not in r]
            if not good:
                rows[name] = {"error": runs[-1]["error"]}
                continue
            rows[name] = {"seconds": statistics.median(r["seconds"] for r in good),
                          "max_rss_mb": statistics.median(r["max_rss_mb"] for r in good),
                          "bytes_per_token": held_bytes / tokens_on(name, out, held)}
        report(rows)


def report(rows: dict) -> None:
    base = rows.get("tokensmith", {})
    print()
    print("| trainer | wall s | peak RSS MB | bytes/token (held-out) | tokensmith time / this "
          "| tokensmith RSS / this | tokensmith bytes/token / this |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        if "error" in r:
            print(f"| {name} | {r['error'][:60]} | | | | | |")
            continue
        ratios = ["", "", ""]
        if "seconds" in base:
            ratios = [f"{base['seconds'] / r['seconds']:.2f}", f"{base['max_rss_mb'] / r['max_rss_mb']:.2f}",
                      f"{base['bytes_per_token'] / r['bytes_per_token']:.4f}"]
        print(f"| {name} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} | {r['bytes_per_token']:.4f} | "
              + " | ".join(ratios) + " |")


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
