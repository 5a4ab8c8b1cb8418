"""``tokensmith undertrained MODEL_DIR [--tokenizer T] [--corpus FILES]``: tokens the model barely
trained, from its embedding matrices ("Fishing for Magikarp", :mod:`tokensmith.forensics.undertrained`)."""

from __future__ import annotations

import json
import sys


def add_parser(sub) -> None:
    p = sub.add_parser("undertrained", help="find under-trained tokens from a checkpoint's embeddings",
                       description="Rank a model's vocabulary by how under-trained each token looks in its "
                                   "(un)embedding matrices (Land & Bartolo 2024), cross-checked with the "
                                   "tokenizer: unreachable entries and tokens a corpus never produces.")
    p.add_argument("model", help="Hugging Face checkpoint folder (config.json, *.safetensors)")
    p.add_argument("--tokenizer", help="tokenizer file or folder (default: the model folder)")
    p.add_argument("--corpus", nargs="+", default=[], metavar="FILE",
                   help="corpus files: list which candidates it never produces")
    p.add_argument("--max-mb", type=float, default=20.0, help="read at most this many MB of the corpus")
    p.add_argument("--top", type=int, default=30, help="how many candidates to list")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from ..forensics.checkpoint_embeddings import read_embeddings
    from ..forensics.undertrained import undertrained_tokens
    from ..metrics.corpus import read_corpus
    from .common import load_tokenizer

    inputs, outputs, tied = read_embeddings(args.model)
    tokenizer = load_tokenizer(args.tokenizer or args.model)
    corpus = read_corpus([Path(p) for p in args.corpus], int(args.max_mb * 1e6)) if args.corpus else None
    result = undertrained_tokens(tokenizer, inputs, outputs, corpus=corpus, top=args.top)
    if args.json:
        print(json.dumps({"indicator": result.indicator, "tied": tied, "reference": result.reference,
                          "unreachable": result.unreachable, "candidates": result.candidates}, indent=2))
        return 0
    print(f"indicator: {result.indicator} ({'tied' if tied else 'untied'} embeddings, "
          f"{len(result.reference)} known-unused reference tokens)")
    print(f"{'id':>7}  {'score':>7}  {'norm':>7}  flags                 token")
    for c in result.candidates:
        flags = ",".join(f for f in ("reference", "unreachable", "never_produced") if c[f]) or "-"
        print(f"{c['id']:>7}  {c['score']:7.3f}  {c['embedding_norm']:7.3f}  {flags:<20}  {c['token']!r}")
    return 0
