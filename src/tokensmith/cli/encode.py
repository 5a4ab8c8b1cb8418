"""``tokensmith encode TOKENIZER [--text T | FILE]``: ids (or tokens) of a text."""

from __future__ import annotations

import json
import sys

from ..errors import OptionError
from .common import load_tokenizer, parse_options, read_text


def add_parser(sub) -> None:
    p = sub.add_parser("encode", help="encode text into token ids")
    p.add_argument("tokenizer", help="tokenizer file (any supported format)")
    p.add_argument("file", nargs="?", default="-", help="text file to encode ('-' = standard input)")
    p.add_argument("--text", help="text to encode instead of a file")
    p.add_argument("--pattern", help="split pattern, for formats that do not store one (.tiktoken)")
    p.add_argument("--segmenter", help="segmentation method to use with this vocabulary "
                                       "(least_tokens, longest_prefix, bpe_dropout, stochastok, ...)")
    p.add_argument("--option", "-O", action="append", metavar="NAME=VALUE",
                   help="segmenter option, e.g. dropout=0.1 seed=7 (repeatable)")
    p.add_argument("--allow-special", action="store_true", help="encode special-token strings as specials")
    p.add_argument("--tokens", action="store_true", help="print the tokens, not the ids")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run)


def run(args) -> int:
    tokenizer = load_tokenizer(args.tokenizer, args.pattern)
    options = parse_options(args.option, "segmenter")
    if args.segmenter:
        tokenizer = tokenizer.with_segmenter(args.segmenter, **options)
    elif options:
        raise OptionError("--option sets segmenter options: give --segmenter too")
    text = read_text(args.text, args.file)
    ids = tokenizer.encode(text, allowed_special="all" if args.allow_special else frozenset())
    if args.tokens:
        out = [tokenizer.token_bytes(i).decode("utf-8", errors="backslashreplace") for i in ids]
    else:
        out = ids
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(" ".join(map(str, out)) if not args.tokens else " ".join(repr(t) for t in out))
    return 0
