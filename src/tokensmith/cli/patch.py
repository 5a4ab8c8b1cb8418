"""``tokensmith patch [FILE] --rule RULE``: byte patches of a text, or patch statistics per
language of a parallel corpus (``--parallel DIR``)."""

from __future__ import annotations

import json
import sys

from .vocabfree_common import add_model_options, add_parallel_options, per_language, print_table, train_model


def add_parser(sub) -> None:
    from ..vocabfree.patching import RULES

    p = sub.add_parser("patch", help="cut bytes into patches for a byte-level model (BLT, HAT, H-Net)",
                       description="Byte patching by a rule: space (BLT/SpaceByte space-like bytes), "
                                   "words (HAT / Learn Your Tokens word pooling), entropy or monotonic "
                                   "(BLT's global or relative entropy threshold, nats), chunking (H-Net's "
                                   "boundary rule). The model rules use a byte n-gram model.")
    p.add_argument("file", nargs="?", default="-", help="text file ('-' = standard input)")
    p.add_argument("--text", help="text to patch instead of a file")
    p.add_argument("--rule", choices=RULES, default="entropy", help="patching rule")
    p.add_argument("--threshold", type=float, default=None,
                   help="entropy/monotonic: nats (defaults 1.3354 and 0); chunking: boundary probability (0.5)")
    p.add_argument("--max-patch-length", type=int, default=None, help="cut longer patches")
    add_model_options(p)
    add_parallel_options(p)
    p.add_argument("--stats", action="store_true", help="print patch statistics instead of the patches")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _patcher(args, model):
    from ..vocabfree.patching import MODEL_RULES, Patcher

    return Patcher(args.rule, args.threshold, model if args.rule in MODEL_RULES else None, args.max_patch_length)


def run(args) -> int:
    from ..vocabfree.byte_model import ByteNgramModel
    from ..vocabfree.patching import MODEL_RULES, patch_stats
    from .common import read_text

    _patcher(args, object())  # options checked before any reading or training
    if args.parallel:
        def measure(train, test):
            model = ByteNgramModel.train(train, args.order) if args.rule in MODEL_RULES else None
            stats = patch_stats(_patcher(args, model), test)
            return {**stats.to_dict(), "patches_per_line": stats.patches / max(stats.texts, 1)}

        rows = per_language(args, measure)
        if args.json:
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            print_table(rows, [("code", "language", ""), ("script", "script", ""), ("bytes", "bytes", "d"),
                               ("patches", "patches", "d"), ("mean_length", "bytes/patch", ".2f"),
                               ("patches_per_line", "patches/line", ".1f")])
        return 0
    text = read_text(args.text, args.file)
    model = train_model(args, text) if args.rule in MODEL_RULES else None
    patcher = _patcher(args, model)
    if args.stats:
        out = patch_stats(patcher, [line for line in text.split("\n") if line]).to_dict()
        print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))
        return 0
    patches = [p.decode("utf-8", errors="backslashreplace") for p in patcher(text)]
    print(json.dumps(patches, ensure_ascii=False) if args.json else " | ".join(patches))
    return 0
