"""``tokensmith transplant MODEL_DIR NEW_TOKENIZER -o OUT_DIR``: a checkpoint moved onto a new tokenizer."""

from __future__ import annotations

from .common import parse_options


def add_parser(sub) -> None:
    from ..transplant.methods import METHODS

    p = sub.add_parser("transplant", help="move a Hugging Face checkpoint onto a new tokenizer")
    p.add_argument("model_dir", help="checkpoint folder (config.json, model.safetensors or shards, tokenizer)")
    p.add_argument("new_tokenizer", help="the tokenizer to move the model onto (any supported format)")
    p.add_argument("--method", default="omp", choices=list(METHODS), help="how new rows are initialised")
    p.add_argument("--corpus", nargs="+", metavar="FILE", help="text files, for methods that learn from text")
    p.add_argument("-o", "--output-dir", required=True, help="folder to write")
    p.add_argument("--seed", type=int, default=0, help="seed of methods that draw at random")
    p.add_argument("--overwrite", action="store_true", help="replace OUT_DIR if it exists")
    p.add_argument("-O", dest="method_options", action="append", metavar="NAME=VALUE",
                   help="a method option (e.g. -O k=32); repeatable")
    p.add_argument("--quiet", dest="progress", action="store_false",
                   help="no progress (by default: bars on a terminal, one line per long phase otherwise)")
    p.set_defaults(func=run, extra_spelling={"*": "-O {}"})


def run(args) -> int:
    from ..transplant.api import transplant

    result = transplant(args.model_dir, args.new_tokenizer, method=args.method, corpus=args.corpus,
                        output_dir=args.output_dir, seed=args.seed, overwrite=args.overwrite,
                        progress=args.progress, **parse_options(args.method_options, "transplant"))
    print(f"{result.output_dir}: {result.method}, {result.old_vocab_size:,} -> {result.new_vocab_size:,} "
          f"tokens, {result.shared:,} shared")
    if result.added_special_tokens:
        print(f"special tokens added for the model: {', '.join(result.added_special_tokens)}")
    for key, (old, new) in result.config_changes.items():
        print(f"config {key}: {old} -> {new}")
    return 0
