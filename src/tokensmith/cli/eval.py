"""``tokensmith eval TOKENIZER --corpus FILE...``: every measure for one tokenizer.

Prints a compact table; ``-o DIR`` also writes ``report.html``, ``report.md`` and
``results.json``. ``compare`` is the same for several tokenizers side by side.
"""

from __future__ import annotations

import sys


def add_measure_options(p) -> None:
    """Options shared by ``eval`` and ``compare``."""
    p.add_argument("--corpus", nargs="+", default=[], metavar="FILE",
                   help="corpus files or directories (.txt, .jsonl, .parquet, .gz), read as training "
                        "reads them, for compression, vocabulary use, Rényi efficiency and lengths")
    p.add_argument("--text-field", default="text",
                   help="JSON Lines field / Parquet column holding the text (default: text)")
    p.add_argument("--errors", choices=("strict", "replace", "ignore"), default="strict",
                   help="invalid UTF-8 in the corpus: fail (default), replace or skip it")
    p.add_argument("--max-mb", type=float, default=None,
                   help="measure at most this many MB of the corpus (default: all of it)")
    p.add_argument("--parallel", metavar="DIR",
                   help="line-aligned parallel corpus directory (NTREX-128 layout) for the premium per language")
    p.add_argument("--pivot", default="eng", help="language the premiums are relative to (default: eng)")
    p.add_argument("--languages", help="comma-separated language codes to measure (default: all)")
    p.add_argument("--max-lines", type=int, default=None,
                   help="use only the first N lines of each parallel file (default: all)")
    p.add_argument("--parity-mode", choices=("lines", "joined"), default="lines",
                   help="premium over lines encoded one by one (default), or over each language's "
                        "lines joined with spaces into one text (as Petrov et al. 2023 computed it)")
    p.add_argument("--gold", metavar="FILE",
                   help="gold morph segmentation, one 'word<TAB>morph1 morph2 ...' per line")
    p.add_argument("--alpha", type=float, default=2.5, help="order of the Rényi efficiency (default 2.5)")
    p.add_argument("--renyi-normalize", choices=("vocabulary", "observed"), default="vocabulary",
                   help="divide the Rényi entropy by log of the vocabulary's text entries (default) "
                        "or of the distinct tokens observed (as the tokenization-scorer package)")
    p.add_argument("--no-audit", action="store_true",
                   help="skip the vocabulary audit (unreachable and anomalous entries)")
    p.add_argument("--backend", choices=("auto", "tokensmith", "reference"), default="auto",
                   help="load with tokensmith (auto: fall back to the reference library when a format "
                        "is not supported natively)")
    p.add_argument("-o", "--output", metavar="DIR", help="write report.html, report.md and results.json here")
    p.add_argument("--title", default="Tokenizer report", help="title of the report")
    p.add_argument("--full", action="store_true", help="print every measure, not only the headline ones")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def add_parser(sub) -> None:
    p = sub.add_parser("eval", help="measure a tokenizer (compression, parity, vocabulary, numbers...)",
                       description="Measure one tokenizer. TOKENIZER is a file or NAME=FILE.")
    p.add_argument("tokenizer", help="tokenizer file, or NAME=FILE to name it in the report")
    add_measure_options(p)
    p.set_defaults(func=lambda args: run(args, [args.tokenizer]))


def run(args, tokenizers: list[str]) -> int:
    from pathlib import Path

    from ..metrics import evaluate
    from ..report import as_data, render_terminal, write_report

    languages = [c.strip() for c in args.languages.split(",") if c.strip()] if args.languages else None
    evaluation = evaluate(
        # Path objects: every --corpus argument is a file or directory, never a text.
        tokenizers, corpus=[Path(p) for p in args.corpus], parallel=args.parallel, gold=args.gold,
        alpha=args.alpha, audit=not args.no_audit, text_field=args.text_field, errors=args.errors,
        renyi_normalize=args.renyi_normalize, pivot=args.pivot, languages=languages,
        max_parallel_lines=args.max_lines, parity_mode=args.parity_mode, backend=args.backend,
        max_corpus_bytes=None if args.max_mb is None else int(args.max_mb * 1e6),
        progress=not args.quiet and sys.stderr.isatty())
    data = as_data(evaluation)
    print(render_terminal(data, full=args.full))
    if args.output:
        paths = write_report(data, args.output, title=args.title)
        print(f"\nreport: {paths['html']}  (also {paths['markdown']}, {paths['json']})")
    print(f"measured in {evaluation.seconds:.1f} s", file=sys.stderr)
    return 0
