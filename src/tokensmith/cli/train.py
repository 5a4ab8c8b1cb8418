"""``tokensmith train CORPUS... --vocab-size N -o tok.json``"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

# The flags of options many methods take ({Python name: flag}); any other option of a method is
# set with -O NAME=VALUE.
SHARED_FLAGS = {"vocab_size": "--vocab-size", "special_tokens": "--special", "pattern": "--pattern",
                "min_frequency": "--min-frequency", "num_workers": "--workers", "text_field": "--text-field",
                "errors": "--errors"}
SPELLING = {**SHARED_FLAGS, "progress": "--quiet", "*": "-O {}"}


def add_parser(sub) -> None:
    from ..trainers import TRAINERS

    p = sub.add_parser("train", help="train a tokenizer on text, JSONL or Parquet files", add_help=False,
                       description="Train a tokenizer. `tokensmith train --method NAME --help` (or "
                                   "`tokensmith methods NAME`) lists the options of a method.")
    p.add_argument("-h", "--help", action=MethodHelp, nargs=0,
                   help="show this help and exit; after --method NAME, that method's options too")
    p.add_argument("corpus", nargs="+",
                   help="corpus files or directories (.txt, .jsonl, .parquet, .gz; globs expanded by the shell)")
    p.add_argument("--vocab-size", type=int, required=True, help="size of the vocabulary, special tokens included")
    p.add_argument("--method", "--model", dest="method", default="bpe", choices=list(TRAINERS), metavar="METHOD",
                   help=f"vocabulary builder: {', '.join(TRAINERS)}")
    p.add_argument("--pattern", default=None,
                   help="split pattern: gpt2, cl100k, o200k, llama3 or a regex (default: the method's, "
                        "cl100k for byte-level methods)")
    p.add_argument("--special", dest="special_tokens", action="append", default=None, metavar="TOKEN",
                   help="special token (repeatable; default: the method's, none but for wordpiece)")
    p.add_argument("--min-frequency", type=int, default=None,
                   help="least count of a merged pair (default: the method's, 2 for most)")
    p.add_argument("--workers", dest="num_workers", type=int, default=None,
                   help="counting threads (default: every core)")
    p.add_argument("--text-field", default=None, help="JSONL field / Parquet column holding the text (default: text)")
    p.add_argument("--errors", choices=["strict", "replace", "ignore"], default=None,
                   help="invalid UTF-8 in the corpus: fail, replace or skip it (default: strict)")
    p.add_argument("--option", "-O", action="append", metavar="NAME=VALUE",
                   help="an option of the method, e.g. -O transition=0.8 or -O protected-terms=@terms.txt "
                        "(repeatable; lists: a,b,c or @FILE; none for None)")
    p.add_argument("--format", default="native",
                   help="output format: native, hf (a folder when -o ends with '/'), tiktoken, gpt2, vocab.txt")
    p.add_argument("-o", "--output", required=True, help="where to write the tokenizer")
    p.add_argument("--quiet", action="store_true",
                   help="no progress (by default: bars on a terminal, one line per long phase otherwise)")
    p.set_defaults(func=run, extra_spelling=SPELLING)


class MethodHelp(argparse.Action):
    """``--help``, followed by the options of the method named before it (``--method sage``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from ..errors import command_line_spelling
        from .methods import describe_method

        parser.print_help()
        method = getattr(namespace, "method", None) or "bpe"
        with command_line_spelling(SPELLING):
            print(f"\nmethod {describe_method(method)}")
        parser.exit()


def method_options(args) -> dict:
    """The options of ``args.method`` from the shared flags and ``-O NAME=VALUE``, parsed by the
    types the method declares; a flag the method does not take is an error, never ignored."""
    from ..errors import OptionError, spell
    from ..trainers import options_of
    from ..trainers.option_types import parse
    from ..trainers.options import specs, unknown_option_message

    declared = {s.name: s for s in specs(options_of(args.method))}
    options = {"progress": not args.quiet}
    for name in SHARED_FLAGS:
        value = getattr(args, name)
        if value is None:
            continue  # unset: the method's default
        if name not in declared:
            raise OptionError(f"{spell(name)} does not apply to method {args.method!r}")
        options[name] = value
    for pair in args.option or []:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise OptionError(f"-O {pair!r} is not NAME=VALUE")
        name = name.replace("-", "_")
        if name not in declared:
            raise OptionError(unknown_option_message(args.method, name, declared))
        if name in options and name != "progress":
            raise OptionError(f"{spell(name)} is given twice")
        options[name] = parse(declared[name].type, text, spell(name))
    return options


def run(args) -> int:
    from ..formats import check_output
    from ..trainers import train

    # Path and format first: a mistake there must not cost the training time.
    files = check_output(args.output, args.format)
    options = method_options(args)
    started = time.perf_counter()
    # Path objects: every argument is a file or directory, never a text (see tokensmith.corpus).
    tokenizer = train([Path(p) for p in args.corpus], method=args.method, **options)
    save_or_rescue(tokenizer, args.output, args.format)
    elapsed = time.perf_counter() - started
    size = sum(os.path.getsize(f) for f in files)
    print(f"trained {args.method} with {tokenizer.vocab_size} tokens in {elapsed:.1f} s -> "
          f"{args.output} ({size:,} bytes)")
    return 0


def save_or_rescue(tokenizer, output: str, format: str) -> None:
    """Save; if ``format`` cannot hold what was trained, keep the work in the native format."""
    from ..errors import SaveError

    try:
        tokenizer.save(output, format=format)
    except SaveError as exc:
        if format == "native":
            raise
        rescue = output.rstrip("/" + os.sep) + ".native.json"
        tokenizer.save(rescue)
        reason = str(exc)[len(exc.path) + 2:]
        raise SaveError(output, f"{reason} (the trained tokenizer is saved in {rescue})") from None
