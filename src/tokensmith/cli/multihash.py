"""``tokensmith multihash [FILE]``: spaCy multi-hash embedding rows of each whitespace-separated word."""

from __future__ import annotations

import json


def add_parser(sub) -> None:
    p = sub.add_parser("multihash", help="spaCy multi-hash embedding rows (NORM, PREFIX, SUFFIX, SHAPE)",
                       description="For each whitespace-separated word: its attribute strings and the four "
                                   "rows each of spaCy's hash-embedding tables sums, as spaCy and thinc "
                                   "compute them.")
    p.add_argument("file", nargs="?", default="-", help="text file ('-' = standard input)")
    p.add_argument("--text", help="text instead of a file")
    p.add_argument("--attrs", default="NORM,PREFIX,SUFFIX,SHAPE", help="comma-separated attributes")
    p.add_argument("--rows", default="5000,1000,2500,2500", help="comma-separated rows per table")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import OptionError
    from ..vocabfree.multihash import MultiHashEmbed, attribute
    from .common import read_text

    try:
        rows = [int(r) for r in args.rows.split(",")]
    except ValueError:
        raise OptionError(f"--rows takes comma-separated integers, got {args.rows!r}") from None
    embed = MultiHashEmbed([a.strip() for a in args.attrs.split(",")], rows)
    words = read_text(args.text, args.file).split()
    found = embed.rows_of(words)
    out = [{"word": w, **{a: {"value": attribute(w, a), "rows": found[i, j].tolist()}
                          for j, a in enumerate(embed.attrs)}} for i, w in enumerate(words)]
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for item in out:
            cells = [f"{a}={item[a]['value']!r}:{','.join(map(str, item[a]['rows']))}" for a in embed.attrs]
            print(f"{item['word']}\t" + "\t".join(cells))
    return 0
