"""``tokensmith encode-dataset TOKENIZER FILES... -o DIR``: corpus files -> token shards."""

from __future__ import annotations

import json


def add_parser(sub) -> None:
    p = sub.add_parser("encode-dataset", help="encode corpus files into .npy shards of token ids")
    p.add_argument("tokenizer", help="tokenizer file (any supported format)")
    p.add_argument("files", nargs="+", help="corpus files (.txt, .jsonl, .parquet, .gz)")
    p.add_argument("-o", "--output", required=True, help="output directory")
    p.add_argument("--pattern", help="split pattern, for formats that do not store one (.tiktoken)")
    p.add_argument("--eot", help="special token appended after every document")
    p.add_argument("--shard-tokens", type=int, default=100_000_000, help="ids per shard")
    p.add_argument("--dtype", choices=["auto", "uint16", "uint32"], default="auto",
                   help="id type of the shards (auto: uint16 when the vocabulary fits)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="encode on local threads or in Ray tasks")
    p.add_argument("--ray-address", help="Ray cluster to join (default: start a local one)")
    p.add_argument("--workers", dest="num_workers", type=int, help="threads (local) or tasks in flight (ray)")
    p.add_argument("--text-field", default="text", help="JSON field / Parquet column of the text")
    p.add_argument("--errors", choices=["strict", "replace", "ignore"], default="strict",
                   help="what to do with invalid UTF-8")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier dataset in DIR")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..dataset import encode_corpus
    from .common import load_tokenizer

    tokenizer = load_tokenizer(args.tokenizer, args.pattern)
    index = encode_corpus(tokenizer, args.files, args.output, shard_tokens=args.shard_tokens,
                          dtype=args.dtype, append_eot=args.eot, backend=args.backend,
                          num_workers=args.num_workers, errors=args.errors,
                          text_field=args.text_field, overwrite=args.overwrite,
                          ray_address=args.ray_address)
    summary = {k: index[k] for k in ("documents", "tokens", "dtype")}
    summary["shards"] = len(index["shards"])
    print(json.dumps(summary))
    return 0
