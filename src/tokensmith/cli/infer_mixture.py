"""``tokensmith infer-mixture TOKENIZER --category NAME=FILES ...``: the training data's mixture
as a BPE merge list reveals it (Hayase et al. 2024, :mod:`tokensmith.forensics.mixture`)."""

from __future__ import annotations

import json
import sys


def add_parser(sub) -> None:
    p = sub.add_parser(
        "infer-mixture", help="estimate the training data's mixture of categories from a BPE merge list",
        description="Estimate the byte shares of categories (languages, code, domains) in the data a BPE "
                    "tokenizer was trained on, from its merge list and a sample of text per category "
                    "(data-mixture inference, Hayase et al. 2024).")
    p.add_argument("tokenizer", help="tokenizer file (tiktoken, tokenizer.json, SentencePiece .model, ...)")
    p.add_argument("--category", action="append", required=True, metavar="NAME=FILES",
                   help="a category and its sample files (comma-separated files or directories, read as "
                        "training reads them); repeat for each category")
    p.add_argument("--merges", type=int, default=3000, help="how many of the first merges to use")
    p.add_argument("--max-mb", type=float, default=None,
                   help="read at most this many MB of each category's sample (default: all of it)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress")
    p.set_defaults(func=run)


def _categories(specs: list[str]) -> dict[str, list[str]]:
    from pathlib import Path

    from ..errors import InputError, OptionError

    samples: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, files = spec.partition("=")
        if not sep or not name or not files:
            raise OptionError(f"--category {spec!r} is not NAME=FILES")
        if name in samples:
            raise OptionError(f"--category {name!r} is given twice")
        paths = []
        for path in (Path(f) for f in files.split(",") if f):
            if not path.exists():
                raise InputError("no such file or directory", path=path)
            paths.extend(_files(path) if path.is_dir() else [path])
        samples[name] = paths
    return samples


def _files(directory) -> list:
    """Every file under a directory, whatever its suffix (a category may be source code), except
    hidden ones and Python's byte-code caches."""
    return sorted(p for p in directory.rglob("*") if p.is_file()
                  and not any(part.startswith(".") or part == "__pycache__"
                              for part in p.relative_to(directory).parts))


def run(args) -> int:
    from ..forensics.mixture import mixture_inference
    from ..metrics.corpus import read_corpus
    from .common import load_tokenizer

    max_bytes = None if args.max_mb is None else int(args.max_mb * 1e6)
    samples = {name: read_corpus(paths, max_bytes) for name, paths in _categories(args.category).items()}
    tokenizer = load_tokenizer(args.tokenizer)
    result = mixture_inference(tokenizer, samples, merges=args.merges,
                               progress=not args.quiet and sys.stderr.isatty())
    if args.json:
        from dataclasses import asdict

        print(json.dumps(asdict(result), indent=2))
        return 0
    width = max(len(n) for n in result.proportions)
    print(f"{'category':<{width}}  share    sample MB")
    for name, share in sorted(result.proportions.items(), key=lambda kv: -kv[1]):
        print(f"{name:<{width}}  {100 * share:5.1f}%  {result.sample_bytes[name] / 1e6:9.2f}")
    print(f"\n{result.merges_used} merges in the program ({result.merges_missing} in no sample, "
          f"{result.merges_dropped} not placed), {result.constraints} constraints, {result.rounds} rounds"
          + ("" if result.converged else " (stopped before every constraint held)"), file=sys.stderr)
    return 0
