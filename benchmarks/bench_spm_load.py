"""Loading a large SentencePiece Unigram model: tokensmith against sentencepiece.

Builds (once, cached in .cache/bench/) a ``.model`` file of ``--pieces`` pieces with
sentencepiece's own protobuf classes: ``<unk>``, ``<s>``, ``</s>``, the 256 byte pieces (byte
fallback) and synthetic pieces over a 40-letter alphabet (Latin, accented and Cyrillic letters,
half of them with the ``▁`` word prefix), scores falling with the rank. Each load runs in a fresh
process (wall and CPU time of the load call, peak RSS of the process from ``getrusage``); ``--runs``
gives medians. Both libraries then encode the same text and must agree.

    python benchmarks/bench_spm_load.py                    # 3M pieces, 3 runs
    python benchmarks/bench_spm_load.py --pieces 300000 --runs 1
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALPHABET = "abcdefghijklmnopqrstuvwxyzéüñçøшждлипрткм"
TEXT = ("The quick brown fox jumps over the lazy dog; naïve café, ñandú, шило и жало. " * 40)


def synthetic_piece(i: int) -> str:
    chars = []
    n = i + 1  # bijective numbering: every single letter first, then pairs, ...
    while n:
        n, r = divmod(n - 1, len(ALPHABET))
        chars.append(ALPHABET[r])
    return ("\u2581" if i % 2 else "") + "".join(chars)


def build_model(path: Path, n_pieces: int) -> None:
    from sentencepiece import sentencepiece_model_pb2 as pb

    m = pb.ModelProto()
    m.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    m.trainer_spec.byte_fallback = True
    m.trainer_spec.vocab_size = n_pieces
    m.normalizer_spec.name = "identity"
    m.normalizer_spec.add_dummy_prefix = True
    m.normalizer_spec.remove_extra_whitespaces = True
    m.normalizer_spec.escape_whitespaces = True
    Piece = pb.ModelProto.SentencePiece
    for text, kind in (("<unk>", Piece.UNKNOWN), ("<s>", Piece.CONTROL), ("</s>", Piece.CONTROL)):
        m.pieces.add(piece=text, score=0.0, type=kind)
    for b in range(256):
        m.pieces.add(piece=f"<0x{b:02X}>", score=0.0, type=Piece.BYTE)
    m.pieces.add(piece="\u2581", score=-2.0, type=Piece.NORMAL)
    for i in range(n_pieces - len(m.pieces)):
        m.pieces.add(piece=synthetic_piece(i), score=-3.0 - math.log1p(i), type=Piece.NORMAL)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(m.SerializeToString())
    tmp.replace(path)


def child(library: str, path: str) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    if library == "sentencepiece":
        import sentencepiece as spm

        sp = spm.SentencePieceProcessor(model_file=path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        ids = sp.encode(TEXT)
    else:
        import tokensmith

        tok = tokensmith.load(path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        ids = tok.encode(TEXT)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss": rss, "ids": ids}))


def measure(library: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", library, str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pieces", type=int, default=3_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from provenance import print_provenance

    print_provenance()
    path = ROOT / ".cache" / "bench" / f"unigram_{args.pieces}.model"
    if not path.exists():
        build_model(path, args.pieces)
    print(f"model: {args.pieces:,} pieces, {path.stat().st_size / 1e6:.0f} MB\n")
    rows = {}
    for library in ("sentencepiece", "tokensmith"):
        runs = [measure(library, path) for _ in range(args.runs)]
        rows[library] = runs
    if rows["tokensmith"][0]["ids"] != rows["sentencepiece"][0]["ids"]:
        sys.exit("tokensmith and sentencepiece encode the text differently")
    print(f"{'library':<14} {'load s':>8} {'CPU s':>8} {'peak RSS GB':>12}")
    med = {}
    for library, runs in rows.items():
        med[library] = [statistics.median(r[k] for r in runs) for k in ("seconds", "cpu", "rss")]
        print(f"{library:<14} {med[library][0]:8.2f} {med[library][1]:8.2f} {med[library][2] / 1e9:12.2f}")
    ts, sp = med["tokensmith"], med["sentencepiece"]
    print(f"\ntokensmith / sentencepiece: load time {ts[0] / sp[0]:.2f}x, CPU {ts[1] / sp[1]:.2f}x, "
          f"peak RSS {ts[2] / sp[2]:.2f}x")


if __name__ == "__main__":
    main()
