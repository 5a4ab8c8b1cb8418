"""``tokensmith train CORPUS... --vocab-size N -o tok.json``"""

from __future__ import annotations

import os
import time
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a tokenizer on text, JSONL or Parquet files")
    p.add_argument("corpus", nargs="+",
                   help="corpus files or directories (.txt, .jsonl, .parquet, .gz; globs expanded by the shell)")
    p.add_argument("--vocab-size", type=int, required=True, help="size of the vocabulary, special tokens included")
    p.add_argument("--method", "--model", dest="method", default="bpe",
                   help="vocabulary builder: bpe (default), unigram, wordpiece, or a method of the literature")
    p.add_argument("--pattern", default=None, help="split pattern: gpt2, cl100k, o200k, llama3 or a regex")
    p.add_argument("--special", action="append", default=[], metavar="TOKEN", help="special token (repeatable)")
    p.add_argument("--min-frequency", type=int, default=None, help="least count of a merged pair")
    p.add_argument("--workers", type=int, default=None, help="counting workers (default: all cores)")
    p.add_argument("--text-field", default=None, help="JSONL field / Parquet column holding the text")
    p.add_argument("--errors", choices=["strict", "replace", "ignore"], default=None,
                   help="invalid UTF-8 in the corpus: fail (default), replace or skip it")
    p.add_argument("--option", "-O", action="append", metavar="NAME=VALUE",
                   help="an option of the method, e.g. transition=0.8 or protected-terms=@terms.txt "
                        "(repeatable; see tokensmith.train)")
    p.add_argument("--format", default="native",
                   help="output format: native (default), hf (a folder when -o ends with '/'), tiktoken, "
                        "gpt2, vocab.txt")
    p.add_argument("-o", "--output", required=True, help="where to write the tokenizer")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..formats import check_output
    from ..train import train
    from .common import parse_options

    # Path and format first: a mistake there must not cost the training time.
    files = check_output(args.output, args.format)
    options = {"vocab_size": args.vocab_size, "progress": not args.quiet}
    # Options left unset take the method's defaults (WordPiece's are BERT's special tokens).
    for name, value in (("special_tokens", args.special or None), ("pattern", args.pattern),
                        ("min_frequency", args.min_frequency),
                        ("num_workers", args.workers), ("text_field", args.text_field),
                        ("errors", args.errors)):
        if value is not None:
            options[name] = value
    options.update(parse_options(args.option, args.method))
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
