"""``tokensmith decode TOKENIZER IDS...``: the text of token ids."""

from __future__ import annotations

import sys

from ..errors import InputError
from .common import load_tokenizer


def add_parser(sub) -> None:
    p = sub.add_parser("decode", help="decode token ids into text")
    p.add_argument("tokenizer", help="tokenizer file (any supported format)")
    p.add_argument("ids", nargs="*", help="token ids (default: read from standard input)")
    p.add_argument("--pattern", help="split pattern, for formats that do not store one (.tiktoken)")
    p.set_defaults(func=run)


def run(args) -> int:
    tokenizer = load_tokenizer(args.tokenizer, args.pattern)
    words = args.ids or sys.stdin.read().replace(",", " ").replace("[", " ").replace("]", " ").split()
    try:
        ids = [int(w) for w in words]
    except ValueError as exc:
        raise InputError(f"not a token id: {exc}") from None
    sys.stdout.write(tokenizer.decode(ids))
    sys.stdout.write("\n")
    return 0
