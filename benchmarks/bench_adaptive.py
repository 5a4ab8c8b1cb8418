"""zip2zip's LZW over token ids: tokensmith's compiled kernel and readable twin beside the
reference package zip2zip-compression (Rust), one process run.

    PYTHONPATH=src python benchmarks/bench_adaptive.py [--mb 2] [--runs 5] [--threads 2]

English text (``--mb`` MB from the middle of the corpus) encoded with cl100k, cut into windows of
1,024 ids (a model's context, as the paper compresses it), compressed with the paper's settings
(codebook 1,024, 4 ids per hypertoken). Millions of ids per second, medians of ``--runs`` runs:
encode and decode of the windows one by one (``lzw_encode`` / ``LZWCompressor.encode``), and as
one batch (``lzw_encode_batch`` on ``--threads`` threads / ``batch_encode``); the twin on one
tenth of the windows. Ratios are tokensmith over the reference (above 1: tokensmith faster).
"""

from __future__ import annotations

import argparse
import os

from bench_wordpiece import DATA, median_time, read_mb  # the sibling script's corpus and timer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    from provenance import print_provenance

    print_provenance()
    from importlib import metadata

    import zip2zip_compression as z2z

    print(f"# zip2zip-compression {metadata.version('zip2zip-compression')}")

    import tokensmith
    from tokensmith.adaptive import PAPER_SETTINGS, lzw_decode, lzw_decode_batch, lzw_encode, lzw_encode_batch

    tok = tokensmith.load(DATA / "tokenizers" / "cl100k_base.tiktoken")
    ids = tok.encode_ordinary(read_mb(args.mb, 50_000_000))
    windows = [ids[k:k + 1024] for k in range(0, len(ids), 1024)]
    vocab = tok.vocab_size
    settings = dict(initial_vocab_size=vocab, **PAPER_SETTINGS)
    pad = vocab - 1  # the reference always disables its pad id; one the text does not hold
    reference = z2z.LZWCompressor(vocab, PAPER_SETTINGS["max_codebook_size"], PAPER_SETTINGS["max_subtokens"], pad, None)
    codes = lzw_encode_batch(windows, **settings)
    assert codes == reference.batch_encode(windows, False, False, None)[0]
    n = len(ids) / 1e6
    ratio = sum(map(len, codes)) / len(ids)
    print(f"{len(ids):,} ids in {len(windows)} windows of 1,024; codes/ids {ratio:.3f}")

    rows = [
        ("encode, one window at a time",
         lambda: [lzw_encode(w, **settings) for w in windows],
         lambda: [reference.encode(w) for w in windows]),
        ("decode, one window at a time",
         lambda: [lzw_decode(c, **settings) for c in codes],
         lambda: [reference.decode(c) for c in codes]),
        (f"encode batch ({args.threads} threads)",
         lambda: lzw_encode_batch(windows, **settings, num_threads=args.threads),
         lambda: reference.batch_encode(windows, False, False, None)),
        (f"decode batch ({args.threads} threads)",
         lambda: lzw_decode_batch(codes, **settings, num_threads=args.threads),
         lambda: reference.batch_decode(codes)),
    ]
    print(f"{'':<32}{'tokensmith M ids/s':>20}{'reference M ids/s':>19}{'ratio':>8}")
    for label, ours, theirs in rows:
        a, b = n / median_time(ours, args.runs), n / median_time(theirs, args.runs)
        print(f"{label:<32}{a:>20.1f}{b:>19.1f}{a / b:>8.2f}")
    few = windows[: max(1, len(windows) // 10)]
    os.environ["TOKENSMITH_PURE_PYTHON"] = "1"
    twin = sum(map(len, few)) / 1e6 / median_time(lambda: [lzw_encode(w, **settings) for w in few],
                                                  max(1, args.runs // 2))
    del os.environ["TOKENSMITH_PURE_PYTHON"]
    print(f"{'encode, readable twin':<32}{twin:>20.1f}")


if __name__ == "__main__":
    main()
