"""Scale of ``tokensmith compare``: 4 real tokenizers, all NTREX-128 languages, 20 MB of English.

Runs the whole evaluation (every measure, report written) and, in the same process, the bare
encoding of the same inputs with the reference libraries (tiktoken / sentencepiece), so the
ratio says what the measuring costs on top of encoding.

    python benchmarks/bench_compare.py [--mb 20] [--repeat 1] [-o /tmp/tokensmith-compare]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
TOK = DATA / "tokenizers"
SPECS = [f"r50k={TOK / 'r50k_base.tiktoken'}", f"cl100k={TOK / 'cl100k_base.tiktoken'}",
         f"o200k={TOK / 'o200k_base.tiktoken'}", f"llama2={TOK / 'llama2_tokenizer.model'}"]


def english(mb: float, out: Path) -> Path:
    """The first ``mb`` MB of the English corpus, cut at a line end."""
    with open(DATA / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        data = f.read(int(mb * 1e6))
    data = data[: data.rfind(b"\n") + 1]
    path = out / f"english_{mb:g}MB.txt"
    path.write_bytes(data)
    return path


def bare_encoding(corpus: Path, parallel: Path) -> float:
    """Seconds to only encode the same texts with the reference libraries, batch by batch."""
    import sentencepiece as spm
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    from tokensmith.metrics.corpus import read_corpus
    from tokensmith.metrics.parallel import read_parallel
    from tokensmith.pre_tokenizers.patterns import CL100K, GPT2, O200K

    texts = read_corpus([corpus])
    par = read_parallel(parallel)
    lines = [par.pivot.lines] + [lang.lines for lang in par.languages]
    start = time.perf_counter()
    for name, pattern in (("r50k", GPT2), ("cl100k", CL100K), ("o200k", O200K)):
        enc = tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=load_tiktoken_bpe(
            str(TOK / f"{name}_base.tiktoken")), special_tokens={})
        enc.encode_ordinary_batch(texts, num_threads=2)
        for group in lines:
            enc.encode_ordinary_batch(group, num_threads=2)
    sp = spm.SentencePieceProcessor(model_file=str(TOK / "llama2_tokenizer.model"))
    sp.encode(texts, num_threads=2)
    for group in lines:
        sp.encode(group, num_threads=2)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("-o", "--output", default="/tmp/tokensmith-compare")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    corpus = english(args.mb, out)
    parallel = DATA / "parallel" / "ntrex128"

    from tokensmith.metrics import evaluate
    from tokensmith.report import render_terminal, write_report, as_data

    walls, cpus, bares, last = [], [], [], None
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        last = evaluate(SPECS, corpus=[corpus], parallel=parallel, progress=sys.stderr.isatty())
        write_report(last, out / "report")
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        bares.append(bare_encoding(corpus, parallel))
    print(render_terminal(as_data(last)))
    print()
    print(f"cores: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}")
    print(f"inputs: {args.mb:g} MB English + {last.inputs['languages']} NTREX languages "
          f"x {last.inputs['parallel_lines']} lines, 4 tokenizers")
    for t in last.tokenizers:
        print(f"  {t.name:8s} {t.backend:10s} {t.seconds:7.1f} s")
    wall, bare = statistics.median(walls), statistics.median(bares)
    print(f"tokensmith compare (all measures + report): {wall:.1f} s wall, "
          f"{statistics.median(cpus):.1f} s CPU (median of {len(walls)})")
    print(f"bare encoding with tiktoken/sentencepiece:  {bare:.1f} s wall")
    print(f"ratio: {wall / bare:.2f}x")
    print(f"report: {out / 'report' / 'report.html'}")


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
