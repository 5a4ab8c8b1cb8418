"""``tokensmith demo``: the main job on the embedded corpus (offline, no data files needed)."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="train and measure tokenizers on the embedded English sample")
    p.add_argument("-o", "--output", default="tokensmith-demo", help="output directory")
    p.add_argument("--vocab-size", type=int, default=8192, help="vocabulary size of every method")
    p.add_argument("--methods", default="bpe,unigram,wordpiece",
                   help="comma-separated vocabulary builders (default: bpe,unigram,wordpiece)")
    p.add_argument("--no-report", action="store_true", help="skip the comparison report")
    p.add_argument("--quiet", action="store_true", help="no progress")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..demo import compare_demo, run_demo
    from ..report import render_terminal

    results = run_demo(args.output, args.vocab_size, tuple(args.methods.split(",")), progress=not args.quiet)
    print(f"{'method':<12}{'vocab':>8}{'train s':>10}{'bytes/token':>13}  file")
    for r in results:
        print(f"{r.method:<12}{r.vocab_size:>8}{r.train_seconds:>10.2f}{r.bytes_per_token:>13.3f}  {r.path}")
    print("held-out text: the last 10% of the embedded sample; each file reloads to identical ids")
    for r in results:
        if r.hf_path is None:
            print(f"{r.method}: HF tokenizer.json cannot hold this method's tokenizer; native file only")
    if not args.no_report:
        data, paths = compare_demo(args.output, results)
        print()
        print(render_terminal(data))
        print(f"\nreport: {paths['html']}  (also {paths['markdown']}, {paths['json']})")
    return 0
