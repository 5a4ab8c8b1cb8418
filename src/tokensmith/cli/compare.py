"""``tokensmith compare TOK1 TOK2 ... --corpus ... --parallel DIR -o report/``: side by side."""

from __future__ import annotations

from .eval import add_measure_options, run


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="compare tokenizers side by side and write a report",
                       description="Measure several tokenizers on the same inputs. Each TOKENIZER is "
                                   "a file or NAME=FILE (e.g. cl100k=cl100k_base.tiktoken).")
    p.add_argument("tokenizers", nargs="+", metavar="TOKENIZER", help="tokenizer file, or NAME=FILE")
    add_measure_options(p)
    p.set_defaults(func=lambda args: run(args, args.tokenizers))
