"""``tokensmith convert IN OUT --format FMT``: one tokenizer file (or folder) to another format.

The output path and format are checked before the input is read; a format that cannot hold the
tokenizer is refused before anything is written.
"""

from __future__ import annotations

from .common import load_tokenizer, parse_options


def add_parser(sub) -> None:
    p = sub.add_parser("convert", help="convert a tokenizer to another file format",
                       description="Read a tokenizer (any supported file or folder) and write it in "
                                   "FORMAT. --format hf with OUT a directory, or ending with '/', writes "
                                   "a save_pretrained folder (tokenizer.json, tokenizer_config.json, "
                                   "special_tokens_map.json).")
    p.add_argument("input", help="tokenizer file or folder (any supported format)")
    p.add_argument("output", help="file (or folder) to write")
    p.add_argument("--format", required=True,
                   help="output format: native, hf, tiktoken, gpt2, vocab.txt")
    p.add_argument("--pattern", help="split pattern of the input, for formats that do not store one (.tiktoken)")
    p.add_argument("--role", action="append", metavar="ROLE=TOKEN",
                   help="special-token role for an hf folder, e.g. eos=</s> or pad= to remove one (repeatable)")
    p.add_argument("--model-max-length", type=int, help="model_max_length for an hf folder")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import OptionError
    from ..formats import check_output, save

    files = check_output(args.output, args.format)
    options = {}
    if args.role or args.model_max_length is not None:
        from ..formats.hf_json import is_folder

        if args.format != "hf" or not is_folder(args.output):
            raise OptionError("--role and --model-max-length apply to --format hf with a folder "
                              "as OUT (a directory, or a path ending with '/')")
        roles = {k: (v if v != "" else None) for k, v in parse_options(args.role, "role").items()}
        options = {"roles": {k: (None if v is None else str(v)) for k, v in roles.items()},
                   "model_max_length": args.model_max_length}
    tokenizer = load_tokenizer(args.input, args.pattern)
    save(tokenizer, args.output, format=args.format, **options)
    print(f"{args.input} -> {', '.join(files)} ({args.format}, {tokenizer.vocab_size:,} ids)")
    return 0
