"""``tokensmith extend TOKENIZER CORPUS --num-new-tokens N -o OUT``: a tokenizer with new tokens
learnt on CORPUS appended after its ids, written in the input's own format (see
:mod:`tokensmith.extension`)."""

from __future__ import annotations

import json
import os

from ..errors import OptionError
from .common import load_tokenizer

# The save format that writes a file of the kind formats.detect() read.
SAME_FORMAT = {"tiktoken": "tiktoken", "sentencepiece": "sentencepiece", "wordpiece": "vocab.txt"}


def add_parser(sub) -> None:
    p = sub.add_parser("extend", help="add tokens learnt on a corpus after a tokenizer's ids",
                       description="Continue the tokenizer's BPE merges on CORPUS and append up to N "
                                   "new tokens after every existing id (special and added tokens "
                                   "included), so a model's ids keep their meaning. OUT is written in "
                                   "the input's format unless --format says otherwise.")
    p.add_argument("tokenizer", help="tokenizer file or folder (.tiktoken, tokenizer.json, .model, vocab.txt, ...)")
    p.add_argument("corpus", nargs="+", help="text, JSON Lines or Parquet files (or folders) of the new domain")
    p.add_argument("--num-new-tokens", "-n", type=int, required=True, help="how many tokens to add")
    p.add_argument("--output", "-o", required=True, help="file (or folder) to write")
    p.add_argument("--format", help="output format (default: the input's: tiktoken, hf, gpt2, "
                                    "sentencepiece, vocab.txt or native)")
    p.add_argument("--min-frequency", type=int, default=2, help="least count of a joined pair")
    p.add_argument("--pattern", help="split pattern of the input, for formats that do not store one (.tiktoken)")
    p.add_argument("--text-field", default="text", help="JSON Lines field / Parquet column holding the text")
    p.set_defaults(func=run)


def run(args) -> int:
    from .. import extend
    from ..formats import check_output, save

    tokenizer = load_tokenizer(args.tokenizer, args.pattern)
    fmt = args.format or input_format(args.tokenizer)
    files = check_output(args.output, fmt)
    extended = extend(tokenizer, args.corpus, num_new_tokens=args.num_new_tokens,
                      min_frequency=args.min_frequency, text_field=args.text_field)
    save(extended, args.output, format=fmt)
    added = extended.vocab_size - tokenizer.vocab_size
    print(f"{args.tokenizer} + {added:,} tokens (ids {tokenizer.vocab_size:,}..{extended.vocab_size - 1:,}) "
          f"-> {', '.join(files)} ({fmt})")
    return 0


def input_format(path: str) -> str:
    """The save format of the kind of file ``path`` is."""
    from ..formats import detect, file_in_folder

    if os.path.isdir(path):
        path = file_in_folder(path)
    kind = detect(path)
    if kind in SAME_FORMAT:
        return SAME_FORMAT[kind]
    if kind == "json":
        with open(path, "rb") as f:
            document = json.load(f)
        if isinstance(document, dict) and document.get("format") == "tokensmith":
            return "native"
        return "hf" if isinstance(document, dict) and isinstance(document.get("model"), dict) else "gpt2"
    raise OptionError(f"{path}: cannot write a {kind} file; give --format (hf, tiktoken, sentencepiece, "
                      "vocab.txt or native)")
