"""Encoding speed: tokensmith against tiktoken (and HF tokenizers for batches), in one process.

1. One thread, cl100k and r50k vocabularies, English prose and a multilingual mix (the same
   share of lines from every NTREX-128 language): MB/s of UTF-8 input of
   ``Tokenizer.encode_ordinary`` and ``tiktoken.Encoding.encode_ordinary``, and their ratio.
   Median of --runs runs in thread CPU time (both encoders run on the calling thread; CPU time
   stays meaningful on a machine shared with other work). Ids are checked equal first.
2. Batches on all cores: the English text cut into documents of about 10 kB, wall time of
   tokensmith ``encode_batch``, tiktoken ``encode_ordinary_batch`` and HF tokenizers
   ``encode_batch_fast`` (GPT-2 from gpt2_vocab.json + gpt2_merges.txt, for r50k only: there is
   no HF file for cl100k here), and tokensmith's speedup over its own one-thread call.
   The short-line case (``--only short``): 100,000 lines, 1 and all threads, beside tiktoken,
   HF and (Llama 2's .model) sentencepiece's batch calls.
   HF tokenizer.json files that the general reader (``formats.hf_pipeline``) loads
   (``--only hf``): GPT-NeoX (NFC + ByteLevel, on the compiled core) and Falcon (its
   pre-tokenizer has no compiled form: the stages), ``encode`` of 10 kB documents on one thread
   beside the same tokenizer forced onto its stages and HF tokenizers' ``encode``.
3. Worst cases, per-byte time relative to English prose: 1 MB of one repeated character (one
   piece of a million bytes) and 1 MB of random bytes read as Latin-1 text. Prose (2 MB) and
   the case are timed alternately; the ratio is the median of the --runs pairs' ratios.

    python benchmarks/bench_encode.py [--mb 10] [--runs 3] [--only single|batch|short|hf|worst]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import tiktoken
import tiktoken.load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tokensmith.formats.tiktoken_file import load_tiktoken  # noqa: E402
from tokensmith.pre_tokenizers.patterns import CL100K, GPT2  # noqa: E402

DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
TOKENIZERS = DATA / "tokenizers"
VOCABS = {"cl100k": CL100K, "r50k": GPT2}


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


def documents(text: str, size: int = 10_000) -> list[str]:
    docs, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        docs.append(text[start:end])
        start = end
    return docs


def median(fn, runs: int, clock=time.thread_time) -> float:
    times = []
    for _ in range(runs):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def load_pair(name: str):
    path = TOKENIZERS / f"{name}_base.tiktoken"
    ours = load_tiktoken(path, pattern=name)
    ref = tiktoken.Encoding(name, pat_str=VOCABS[name], mergeable_ranks=tiktoken.load.load_tiktoken_bpe(str(path)),
                            special_tokens={})
    return ours, ref


def hf_gpt2():
    """GPT-2 (= r50k) in HF tokenizers, from its vocab.json + merges.txt."""
    try:
        from tokenizers import Tokenizer, models, pre_tokenizers
    except ImportError:
        return None
    tok = Tokenizer(models.BPE.from_file(str(TOKENIZERS / "gpt2_vocab.json"), str(TOKENIZERS / "gpt2_merges.txt")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    return tok


def single_thread(pairs, corpora, runs):
    print("\n## one thread (MB/s, thread CPU time)")
    print(f"{'vocab':7} {'text':13} {'MB':>5} {'tokensmith':>11} {'tiktoken':>9} {'ratio':>6}")
    for name, (ours, ref) in pairs.items():
        for label, text in corpora.items():
            assert ours.encode_ordinary(text) == ref.encode_ordinary(text), (name, label)
            mb = len(text.encode()) / 1e6
            t_ours = median(lambda: ours.encode_ordinary(text), runs)
            t_ref = median(lambda: ref.encode_ordinary(text), runs)
            print(f"{name:7} {label:13} {mb:5.1f} {mb / t_ours:11.1f} {mb / t_ref:9.1f} {t_ref / t_ours:5.2f}x",
                  flush=True)


def batches(pairs, text, runs):
    threads = os.cpu_count() or 1
    docs = documents(text)
    mb = len(text.encode()) / 1e6
    print(f"\n## encode_batch, {len(docs)} documents, {threads} threads (MB/s, wall time)")
    hf = hf_gpt2()
    for name, (ours, ref) in pairs.items():
        expected = ref.encode_ordinary_batch(docs, num_threads=threads)
        assert ours.encode_batch(docs, num_threads=threads) == expected
        one = median(lambda: ours.encode_batch(docs, num_threads=1), runs, time.perf_counter)
        row = {"tokensmith": median(lambda: ours.encode_batch(docs, num_threads=threads), runs, time.perf_counter),
               "tiktoken": median(lambda: ref.encode_ordinary_batch(docs, num_threads=threads), runs,
                                  time.perf_counter)}
        if name == "r50k" and hf is not None:
            same = [e.ids for e in hf.encode_batch_fast(docs)] == expected
            row["hf tokenizers" + ("" if same else " (ids differ)")] = median(
                lambda: hf.encode_batch_fast(docs), runs, time.perf_counter)
        cells = "  ".join(f"{k} {mb / v:6.1f}" for k, v in row.items())
        ratios = "  ".join(f"tokensmith/{k} {v / row['tokensmith']:.2f}x" for k, v in row.items() if k != "tokensmith")
        print(f"{name:7} {cells}   {ratios}   tokensmith x{threads}/x1 {one / row['tokensmith']:.2f}x",
              flush=True)


def short_lines(pairs, text, runs, count: int = 100_000):
    """Many short texts: the batch call on one thread and on every core (threads must never make
    it slower), each tokenizer loaded with its special token as users load it, so the default call
    also looks for special tokens."""
    threads = os.cpu_count() or 1
    lines = [line for line in text.splitlines() if line.strip()][:count]
    mb = sum(len(line.encode()) for line in lines) / 1e6
    print(f"\n## encode_batch, {len(lines)} short lines ({mb:.1f} MB), 1 and {threads} threads (MB/s, wall time)")
    hf = hf_gpt2()
    for name, (ours, ref) in pairs.items():
        ours = ours._replace(special_tokens={"<|endoftext|>": ours.vocab_size})
        expected = ref.encode_ordinary_batch(lines, num_threads=threads)
        assert ours.encode_batch(lines, num_threads=threads) == expected
        row = {f"tokensmith x{n}": median(lambda n=n: ours.encode_batch(lines, num_threads=n), runs,
                                          time.perf_counter) for n in (1, threads)}
        row["tiktoken"] = median(lambda: ref.encode_ordinary_batch(lines, num_threads=threads), runs,
                                 time.perf_counter)
        if name == "r50k" and hf is not None:
            row["hf tokenizers"] = median(lambda: hf.encode_batch_fast(lines), runs, time.perf_counter)
        cells = "  ".join(f"{k} {mb / v:6.1f}" for k, v in row.items())
        best = row[f"tokensmith x{threads}"]
        ratios = "  ".join(f"/{k} {v / best:.2f}x" for k, v in row.items() if not k.startswith("tokensmith"))
        print(f"{name:7} {cells}   tokensmith x{threads}{ratios}", flush=True)
    spm_short_lines(lines, mb, threads, runs)


def spm_short_lines(lines, mb, threads, runs):
    """The same lines through a SentencePiece model (Llama 2), beside sentencepiece's own batch
    call on every core."""
    try:
        import sentencepiece as spm
    except ImportError:
        return
    import tokensmith

    path = str(TOKENIZERS / "llama2_tokenizer.model")
    ours, ref = tokensmith.load(path), spm.SentencePieceProcessor(model_file=path)
    assert ours.encode_batch(lines, num_threads=threads) == ref.encode(lines, num_threads=threads)
    row = {f"tokensmith x{n}": median(lambda n=n: ours.encode_batch(lines, num_threads=n), runs,
                                      time.perf_counter) for n in (1, threads)}
    row["sentencepiece"] = median(lambda: ref.encode(lines, num_threads=threads), runs, time.perf_counter)
    cells = "  ".join(f"{k} {mb / v:6.1f}" for k, v in row.items())
    best = row[f"tokensmith x{threads}"]
    print(f"{'llama2':7} {cells}   tokensmith x{threads}/sentencepiece {row['sentencepiece'] / best:.2f}x",
          flush=True)


def hf_pipeline_files(prose, runs, names=("gpt_neox_20b", "falcon")):
    """encode() of 10 kB documents on one thread (thread CPU time): tokensmith as loaded, the
    same tokenizer on its stages (no compiled whole-text encoder), and HF tokenizers."""
    try:
        import tokenizers
    except ImportError:
        return
    import tokensmith

    docs = documents(prose)
    mb = len(prose.encode()) / 1e6
    print(f"\n## tokenizer.json via the general reader, {len(docs)} documents, one thread (MB/s, thread CPU time)")
    for name in names:
        path = TOKENIZERS / f"{name}_tokenizer.json"
        ours, ref = tokensmith.load(path), tokenizers.Tokenizer.from_file(str(path))
        stages = tokensmith.load(path)
        stages._fast = stages._fast_normalized_cache = None  # the piece-by-piece path
        expected = [ref.encode(d, add_special_tokens=False).ids for d in docs]
        assert [ours.encode(d) for d in docs] == expected == [stages.encode(d) for d in docs], name
        row = {"tokensmith": median(lambda: [ours.encode(d) for d in docs], runs),
               "stages": median(lambda: [stages.encode(d) for d in docs], runs),
               "hf tokenizers": median(lambda: [ref.encode(d, add_special_tokens=False) for d in docs], runs)}
        cells = "  ".join(f"{k} {mb / v:6.1f}" for k, v in row.items())
        compiled = "compiled" if ours._fast is not None else "stages"
        print(f"{name:13} ({compiled}) {cells}   tokensmith/stages {row['stages'] / row['tokensmith']:.2f}x  "
              f"tokensmith/hf {row['hf tokenizers'] / row['tokensmith']:.2f}x", flush=True)


def worst_cases(pairs, prose, runs):
    rng = random.Random(0)
    cases = {"one character x 1 MB": "a" * 1_000_000,
             "random bytes 1 MB": bytes(rng.getrandbits(8) for _ in range(1_000_000)).decode("latin-1")}
    print("\n## worst cases (ns per byte; ratio to English prose)")
    for name, (ours, ref) in pairs.items():
        for label, text in cases.items():
            assert ours.encode_ordinary(text) == ref.encode_ordinary(text), (name, label)
            cells = []
            for who, enc in (("tokensmith", ours.encode_ordinary), ("tiktoken", ref.encode_ordinary)):
                # Prose and the case alternate, and the ratio is the median of each pair's ratio:
                # on a shared machine the load changes between runs, less within one pair.
                prose_t, case_t = [], []
                for _ in range(runs):
                    enc(prose)  # warm: the case before it evicted the vocabulary from the caches
                    prose_t.append(median(lambda: enc(prose), 1) / len(prose.encode()))
                    case_t.append(median(lambda: enc(text), 1) / len(text.encode()))
                ratio = statistics.median(c / p for c, p in zip(case_t, prose_t))
                per_byte, base = statistics.median(case_t), statistics.median(prose_t)
                cells.append(f"{who} {per_byte * 1e9:7.1f} ns/B ({ratio:4.1f}x prose, prose {base * 1e9:.1f})")
            print(f"{name:7} {label:22} " + "  ".join(cells), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="MB of each text (default 10)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (median; default 3)")
    ap.add_argument("--only", choices=["single", "batch", "short", "hf", "worst"],
                    help="run one part (default: all five)")
    args = ap.parse_args()
    run = {args.only} if args.only else {"single", "batch", "short", "hf", "worst"}
    prose = english(args.mb if run != {"worst"} else 2)
    pairs = {name: load_pair(name) for name in VOCABS}
    if "single" in run:
        single_thread(pairs, {"english": prose, "multilingual": multilingual(args.mb)}, args.runs)
    if "batch" in run:
        batches(pairs, prose, args.runs)
    if "short" in run:
        short_lines(pairs, prose, args.runs)
    if "hf" in run:
        hf_pipeline_files(prose[:2_000_000], args.runs)
    if "worst" in run:
        worst_cases(pairs, prose[:2_000_000], args.runs)


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
