"""``tokensmith tfree [FILE]``: T-FREE words and their sparse trigram patterns; ``--collisions
WORDS`` for the collision statistics of a word list; ``--decode IDS --dictionary WORDS``."""

from __future__ import annotations

import json


def add_parser(sub) -> None:
    p = sub.add_parser("tfree", help="T-FREE: words as hashed trigram activation patterns",
                       description="Split text into T-FREE words and print each word's active rows, or "
                                   "measure how the patterns of a word list collide, or decode a pattern "
                                   "to the closest words of a dictionary.")
    p.add_argument("file", nargs="?", default="-", help="text file ('-' = standard input)")
    p.add_argument("--text", help="text instead of a file")
    p.add_argument("--vocab-size", type=int, default=8000, help="rows of the embedding (the paper's v)")
    p.add_argument("--activations", type=int, default=10, help="rows per trigram (the paper's m)")
    p.add_argument("--lowercase-activations", type=int, default=0,
                   help="of those, rows shared with the lowercased trigram (the released 7B uses 2)")
    p.add_argument("--collisions", metavar="WORDS", help="word list (one per line): print collision statistics")
    p.add_argument("--decode", metavar="IDS", help="comma-separated active rows to decode (needs --dictionary)")
    p.add_argument("--dictionary", metavar="WORDS", help="word list to decode to")
    p.add_argument("--top", type=int, default=5, help="candidates printed by --decode")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _word_list(path: str) -> list[str]:
    from .common import read_text

    return [w.strip() for w in read_text(None, path).split("\n")]


def run(args) -> int:
    from ..errors import InputError, OptionError
    from ..vocabfree.tfree import TFree, TFreeDictionary, collision_stats
    from .common import read_text

    tf = TFree(args.vocab_size, args.activations, args.lowercase_activations)
    if args.collisions:
        stats = collision_stats(TFreeDictionary(_word_list(args.collisions), tf, source=args.collisions)).to_dict()
        print(json.dumps(stats, ensure_ascii=False) if args.json else "\n".join(f"{k}: {v}" for k, v in stats.items()))
        return 0
    if args.decode is not None:
        if not args.dictionary:
            raise OptionError("--decode needs --dictionary WORDS")
        try:
            ids = [int(x) for x in args.decode.replace(",", " ").split()]
        except ValueError:
            raise InputError("--decode takes comma-separated integers") from None
        found = TFreeDictionary(_word_list(args.dictionary), tf, source=args.dictionary).decode(ids, args.top)[0]
        print(json.dumps(found, ensure_ascii=False) if args.json else "\n".join(f"{w}\t{p:.4g}" for w, p in found))
        return 0
    words, patterns = tf.encode(read_text(args.text, args.file))
    if args.json:
        print(json.dumps([[w, p.tolist()] for w, p in zip(words, patterns)], ensure_ascii=False))
    else:
        for w, p in zip(words, patterns):
            print(f"{w!r}\t{','.join(map(str, p))}")
    return 0
