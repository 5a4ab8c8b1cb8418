"""``tokensmith adaptive TOKENIZER [FILE] --method zip2zip|dynamic``: the adaptive encoders.

They do not fit ``encode --segmenter``: a segmenter picks tokens of the vocabulary piece by
piece, while these make new ids for one sequence (zip2zip's hypertokens) or one batch (dynamic
merges), which only mean something beside their codebook or merges. So they have their own
command, printing those too (``--json``).

* ``--method zip2zip``: the text's ids cut into windows of ``--window`` ids, each compressed
  with its own codebook; one line of codes per window. ``--decode`` reads such lines back to text.
* ``--method dynamic``: each line of FILE is a text of the batch; merges learnt on the batch;
  one line of ids per text.

``--stats`` prints the token counts before and after instead.
"""

from __future__ import annotations

import json
import sys

from ..errors import InputError, OptionError
from .common import load_tokenizer, read_text


def add_parser(sub) -> None:
    p = sub.add_parser("adaptive", help="encode with an adaptive vocabulary (zip2zip, dynamic merges)",
                       description=__doc__.split("\n\n", 1)[1])
    p.add_argument("tokenizer", help="tokenizer file (any supported format)")
    p.add_argument("file", nargs="?", default="-", help="text file ('-' = standard input)")
    p.add_argument("--text", help="text to encode instead of a file")
    p.add_argument("--method", choices=("zip2zip", "dynamic"), required=True,
                   help="zip2zip: LZW hypertokens over the ids; dynamic: merges learnt on the batch")
    p.add_argument("--pattern", help="split pattern, for formats that do not store one (.tiktoken)")
    p.add_argument("--codebook-size", type=int, default=1024, help="zip2zip: hypertokens per window")
    p.add_argument("--max-subtokens", type=int, default=4, help="zip2zip: most ids per hypertoken")
    p.add_argument("--window", type=int, default=1024, help="zip2zip: ids per window (a model's context)")
    p.add_argument("--decode", action="store_true", help="zip2zip: read lines of codes, print the text")
    p.add_argument("--merges", type=int, default=100, help="dynamic: merges learnt on the batch")
    p.add_argument("--stats", action="store_true", help="print token counts before and after")
    p.add_argument("--json", action="store_true", help="print JSON with the codebooks or merges")
    p.set_defaults(func=run, extra_spelling={"max_codebook_size": "--codebook-size"})


def run(args) -> int:
    tokenizer = load_tokenizer(args.tokenizer, args.pattern)
    text = read_text(args.text, args.file)
    if args.method == "zip2zip":
        return _zip2zip(tokenizer, text, args)
    return _dynamic(tokenizer, text, args)


def _zip2zip(tokenizer, text: str, args) -> int:
    from ..adaptive import LZWEncoder, lzw_decode_batch

    settings = dict(initial_vocab_size=tokenizer.vocab_size, max_codebook_size=args.codebook_size,
                    max_subtokens=args.max_subtokens)
    if args.decode:
        try:
            windows = [[int(c) for c in line.split()] for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise InputError(f"--decode reads lines of integer codes: {exc}") from None
        ids = [i for w in lzw_decode_batch(windows, **settings) for i in w]
        sys.stdout.write(tokenizer.decode(ids))
        return 0
    if args.window < 1:
        raise OptionError(f"--window must be at least 1, not {args.window}")
    ids = tokenizer.encode(text)
    windows, books = [], []
    for k in range(0, len(ids), args.window):
        encoder = LZWEncoder(**settings)
        windows.append(encoder.feed(ids[k:k + args.window]) + encoder.finish())
        books.append(encoder.codebook())
    if args.stats:
        codes = sum(map(len, windows))
        print(f"ids {len(ids):,}  codes {codes:,}  ratio {codes / max(len(ids), 1):.3f}  windows {len(windows)}")
    elif args.json:
        json.dump({"settings": settings, "windows": [{"codes": w, "codebook": {str(c): list(s) for c, s in b.items()}}
                                                     for w, b in zip(windows, books)]}, sys.stdout)
        sys.stdout.write("\n")
    else:
        for w in windows:
            print(" ".join(map(str, w)))
    return 0


def _dynamic(tokenizer, text: str, args) -> int:
    from ..adaptive import dynamic_merges

    lines = text.splitlines()
    batch = dynamic_merges(tokenizer, lines, args.merges)
    if args.stats:
        before = sum(len(batch.base_ids(k)) for k in range(len(lines)))
        after = sum(map(len, batch.ids))
        print(f"texts {len(lines):,}  merges {len(batch.merges)}  tokens {before:,} -> {after:,}  "
              f"reduction {1 - after / max(before, 1):.3f}")
    elif args.json:
        json.dump({"first_id": batch.first_id, "merges": batch.merges, "ids": batch.ids}, sys.stdout)
        sys.stdout.write("\n")
    else:
        for ids in batch.ids:
            print(" ".join(map(str, ids)))
    return 0
