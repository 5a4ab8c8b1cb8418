"""Options shared by the commands of :mod:`tokensmith.vocabfree` (patch, eqinfo): the byte model
and the parallel corpus measured language by language."""

from __future__ import annotations


def add_model_options(p) -> None:
    p.add_argument("--train", nargs="+", metavar="FILE",
                   help="text files to train the byte n-gram model on, one document per line "
                        "(default: the input itself)")
    p.add_argument("--order", type=int, default=4, help="order of the byte n-gram model")


def add_parallel_options(p) -> None:
    p.add_argument("--parallel", metavar="DIR",
                   help="line-aligned parallel corpus (NTREX-128 layout): measure each language, its "
                        "model trained on its first --train-lines lines, measured on the next --max-lines")
    p.add_argument("--languages", help="comma-separated language codes (default: all)")
    p.add_argument("--train-lines", type=int, default=1500, help="lines of each language to train on")
    p.add_argument("--max-lines", type=int, default=200, help="lines of each language to measure")


def train_model(args, text: str):
    from ..vocabfree.byte_model import ByteNgramModel
    from .common import read_text

    docs = [line for path in args.train for line in read_text(None, path).split("\n")] if args.train \
        else text.split("\n")
    return ByteNgramModel.train(docs, args.order)


def per_language(args, measure) -> list[dict]:
    """``measure(train_lines, test_lines) -> dict`` for the pivot and every language."""
    from ..metrics.parallel import read_parallel

    codes = [c.strip() for c in args.languages.split(",") if c.strip()] if args.languages else None
    corpus = read_parallel(args.parallel, languages=codes, max_lines=args.train_lines + args.max_lines)
    rows = []
    for lang in [corpus.pivot, *corpus.languages]:
        train, test = lang.lines[:args.train_lines], lang.lines[args.train_lines:]
        rows.append({"code": lang.code, "name": lang.name, "script": lang.script, **measure(train, test)})
    return rows


def print_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> None:
    """A Markdown table: (key, header, format) per column."""
    print("| " + " | ".join(h for _, h, _ in columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(format(row[k], f) for k, _, f in columns) + " |")
