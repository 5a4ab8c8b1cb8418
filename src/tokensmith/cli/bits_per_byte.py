"""``tokensmith bits-per-byte TEXT --tokenizer T (--model DIR | --ngram FILE | --train-ngram CORPUS)``.

Scores each non-empty line of TEXT (with its newline) as a text of its own under a token language
model read at byte level (:mod:`tokensmith.bytelevel`), and prints bits per byte: the token-level
figure of the canonical tokenization, the byte-level one, and the canonical-mass gap between them
(:mod:`tokensmith.bytelevel.scoring`). ``--all-covers`` also gives the marginal over every
covering token sequence (with ``--beam`` for a transformer).
"""

from __future__ import annotations

import json
import math
import sys

from .common import load_tokenizer, read_text


def add_parser(sub) -> None:
    p = sub.add_parser("bits-per-byte", help="score a text file in bits per byte with a token language model",
                       description="Bits per byte of TEXT's lines under a token LM read at byte level.")
    p.add_argument("text", help="text file ('-' for standard input); each non-empty line is one text")
    p.add_argument("--tokenizer", required=True, help="the model's tokenizer (any supported format)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", metavar="DIR", help="a transformers causal LM folder (needs torch)")
    source.add_argument("--ngram", metavar="FILE", help="an n-gram model saved by tokensmith (.npz)")
    source.add_argument("--train-ngram", metavar="CORPUS", help="train an n-gram model on this text file first")
    p.add_argument("--order", type=int, default=3, help="n-gram order for --train-ngram (default 3)")
    p.add_argument("--save-ngram", metavar="FILE", help="write the trained n-gram model here")
    p.add_argument("--start", default="\n",
                   help="text every line is read after, for a model without a start token (default: newline)")
    p.add_argument("--all-covers", action="store_true",
                   help="also the marginal over all covering token sequences (not only canonical ones)")
    p.add_argument("--beam", type=int, default=None, help="hypotheses kept per byte for --all-covers")
    p.add_argument("--max-lines", type=int, default=None, help="score at most this many lines")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..bytelevel import ByteLevel, NgramLM
    from ..bytelevel.scoring import bits_per_byte, score_text

    tokenizer = load_tokenizer(args.tokenizer)
    lines = [line + "\n" for line in read_text(None, args.text).splitlines() if line.strip()]
    lines = lines[: args.max_lines] if args.max_lines else lines
    if args.model:
        from ..bytelevel.hf import CausalLM

        lm = CausalLM.from_pretrained(args.model, start=tokenizer.encode(args.start) if args.start else None)
    elif args.ngram:
        lm = NgramLM.load(args.ngram)
    else:
        corpus = [line for line in read_text(None, args.train_ngram).splitlines() if line.strip()]
        lm = NgramLM.train_on_texts(tokenizer, corpus, order=args.order)
        if args.save_ngram:
            lm.save(args.save_ngram)
    model = ByteLevel(tokenizer, lm, canonical=True)
    result = bits_per_byte([score_text(model, line.encode("utf-8")) for line in lines])
    if args.all_covers:
        every = ByteLevel(tokenizer, lm, canonical=False, beam=args.beam)
        bits = -sum(every.prefix_logprob(line.encode("utf-8")) for line in lines) / math.log(2)
        result["all_covers_bpb"] = bits / result["bytes"]
        result["beam"] = args.beam
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['texts']} texts, {result['bytes']:,} bytes")
    print(f"token level (canonical tokenization)  {result['token_bpb']:.4f} bits/byte")
    print(f"byte level (canonical covers)         {result['byte_bpb']:.4f} bits/byte")
    print(f"  gap: non-canonical mass             {result['renormalised_bpb']:.4f}")
    print(f"  gap: covers past the text's end     {result['later_covers_bpb']:.4f}")
    if args.all_covers:
        beam = f" (beam {args.beam})" if args.beam else ""
        print(f"byte level (all covers{beam})" + " " * max(1, 15 - len(beam)) + f"{result['all_covers_bpb']:.4f} bits/byte")
    print(f"model time {model.model.seconds:.2f} s in {model.model.calls} calls", file=sys.stderr)
    return 0
