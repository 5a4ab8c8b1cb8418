"""``tokensmith eqinfo [FILE]``: Equal-Info Windows tokens of a text (arithmetic coding under a
byte n-gram model into windows of N bits), their decoding, or statistics per language."""

from __future__ import annotations

import json
import sys

from .vocabfree_common import add_model_options, add_parallel_options, per_language, print_table, train_model


def add_parser(sub) -> None:
    p = sub.add_parser("eqinfo", help="Equal-Info Windows: arithmetic-coded text in windows of N bits",
                       description="Encode text into windows of --window-bits bits each (coder and model "
                                   "reset per window), printed as --token-bits tokens; --decode reads "
                                   "such tokens back. The byte model is trained on --train (or the input; "
                                   "decoding needs the same --train and --order).")
    p.add_argument("file", nargs="?", default="-", help="text file ('-' = standard input)")
    p.add_argument("--text", help="text instead of a file")
    p.add_argument("--window-bits", type=int, default=16, help="bits per window (the paper's b)")
    p.add_argument("--token-bits", type=int, default=16, help="bits per token (16: v = 65,536)")
    add_model_options(p)
    add_parallel_options(p)
    p.add_argument("--decode", action="store_true", help="the input is tokens (integers): print the text")
    p.add_argument("--stats", action="store_true", help="print compression statistics instead of tokens")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import InputError, OptionError
    from ..vocabfree.byte_model import ByteNgramModel
    from ..vocabfree.eqinfo import EqualInfoCoder, equal_info_stats
    from .common import read_text

    EqualInfoCoder(None, args.window_bits, args.token_bits)  # options checked first
    if args.parallel:
        def measure(train, test):
            coder = EqualInfoCoder(ByteNgramModel.train(train, args.order), args.window_bits, args.token_bits)
            return equal_info_stats(coder, test).to_dict()

        rows = per_language(args, measure)
        if args.json:
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            print_table(rows, [("code", "language", ""), ("bytes", "bytes", "d"), ("windows", "windows", "d"),
                               ("bytes_per_window", "bytes/window", ".2f"), ("bits_per_byte", "bits/byte", ".2f"),
                               ("model_bits_per_byte", "model bits/byte", ".2f")])
        return 0
    text = read_text(args.text, args.file)
    if args.decode:
        if not args.train:
            raise OptionError("--decode needs the model the tokens were made with: give --train")
        try:
            tokens = [int(t) for t in text.replace(",", " ").replace("[", " ").replace("]", " ").split()]
        except ValueError:
            raise InputError("--decode reads integers (tokens) separated by spaces") from None
        coder = EqualInfoCoder(train_model(args, ""), args.window_bits, args.token_bits)
        sys.stdout.buffer.write(coder.decode(tokens))
        return 0
    coder = EqualInfoCoder(train_model(args, text), args.window_bits, args.token_bits)
    if args.stats:
        out = equal_info_stats(coder, [line for line in text.split("\n") if line]).to_dict()
        print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))
        return 0
    tokens = coder.encode(text)
    print(json.dumps(tokens) if args.json else " ".join(map(str, tokens)))
    return 0
