"""SentencePiece-style encode throughput (Unigram Viterbi and SentencePiece BPE): tokensmith against
sentencepiece, in one process, on the same .model files.

Models: a Unigram model of 8,000 pieces trained here by sentencepiece on 5 MB of English
(nmt_nfkc charsmap, byte fallback), Llama 2's and Mistral v3's BPE models, and T5's HF Unigram
tokenizer.json (charsmap; written out as a .model for sentencepiece, and also timed in HF
`tokenizers`). Texts: English held-out text and multilingual NTREX-128 (lines from every file).
Modes: ``lines`` (one call per line), ``file`` (the whole text as one string) and ``batch`` (all
lines in one call, 2 threads in both libraries). Prints MB/s (median of several interleaved runs,
word caches cleared before each run; CPU time for lines and file, wall time for batch, since the
machine is shared), the ratio tokensmith / sentencepiece, and whether the ids agree
(for T5, with HF's ids: HF's charsmap rule works per grapheme cluster, sentencepiece's does not).

    PYTHONPATH=src python benchmarks/bench_unigram_encode.py [--mb 1] [--runs 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import sentencepiece as spm

from tokensmith.formats import load

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = DATA / "corpora" / "en_gutenberg_100MB.txt"
NTREX = DATA / "parallel" / "ntrex128"
TOKENIZERS = DATA / "tokenizers"


def compare(run_ours, run_ref, runs: int, before, clock) -> tuple[float, float, object, object]:
    """Median times of both, runs interleaved so that load on the machine hits both alike."""
    ours_times, ref_times, ours, ref = [], [], None, None
    for _ in range(runs):
        before()
        start = clock()
        ours = run_ours()
        ours_times.append(clock() - start)
        start = clock()
        ref = run_ref()
        ref_times.append(clock() - start)
    return statistics.median(ours_times), statistics.median(ref_times), ours, ref


def english(mb: float) -> tuple[str, str]:
    size = os.path.getsize(CORPUS)
    with open(CORPUS, "rb") as f:
        train = f.read(5_000_000).decode("utf-8", "ignore")
        f.seek(size - int(mb * 1_000_000))
        return train, f.read().decode("utf-8", "ignore")


def multilingual(mb: float) -> str:
    """The same number of lines from every NTREX file, about ``mb`` MB in all."""
    files = sorted(NTREX.glob("newstest2019-*.txt"))
    texts = [p.read_text(encoding="utf-8").split("\n") for p in files]
    per_file = int(mb * 1_000_000 / sum(len("\n".join(t).encode()) / len(t) for t in texts))
    return "\n".join(line for t in texts for line in t[:per_file])


def t5_model_file(json_path: Path, out: Path) -> None:
    """T5's tokenizer.json as a sentencepiece ModelProto (pieces, scores, charsmap)."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    document = json.loads(json_path.read_text(encoding="utf-8"))
    model = pb.ModelProto()
    unk = document["model"]["unk_id"]
    special = {t["id"] for t in document["added_tokens"] if t.get("special")}
    for k, (piece, score) in enumerate(document["model"]["vocab"]):
        p = model.pieces.add(piece=piece, score=score)
        p.type = p.UNKNOWN if k == unk else p.CONTROL if k in special else p.NORMAL
    model.trainer_spec.model_type = model.trainer_spec.UNIGRAM
    model.normalizer_spec.precompiled_charsmap = base64.b64decode(
        document["normalizer"]["precompiled_charsmap"])
    model.normalizer_spec.add_dummy_prefix = True
    model.normalizer_spec.remove_extra_whitespaces = True
    out.write_bytes(model.SerializeToString())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0, help="MB of each text")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    train, held_out = english(args.mb)
    texts = {"English": held_out, "NTREX-128": multilingual(args.mb)}

    with tempfile.TemporaryDirectory() as tmp:
        text_file = Path(tmp) / "train.txt"
        text_file.write_text(train, encoding="utf-8")
        spm.SentencePieceTrainer.train(input=str(text_file), model_prefix=f"{tmp}/uni", vocab_size=8000,
                                       model_type="unigram", byte_fallback=True, minloglevel=2)
        t5_model_file(TOKENIZERS / "t5_small_tokenizer.json", Path(tmp) / "t5.model")
        models = {  # name: (our file, sentencepiece file)
            "unigram 8k": (f"{tmp}/uni.model", f"{tmp}/uni.model"),
            "llama2 BPE": (TOKENIZERS / "llama2_tokenizer.model",) * 2,
            "mistral_v3 BPE": (TOKENIZERS / "mistral_v3_tokenizer.model",) * 2,
            "t5 Unigram (json)": (TOKENIZERS / "t5_small_tokenizer.json", f"{tmp}/t5.model"),
        }
        print(f"median of {args.runs} runs; ratio = tokensmith / sentencepiece speed")
        print(f"{'model':18} {'text':10} {'mode':6} {'tokensmith MB/s':>16} {'sentencepiece MB/s':>19} "
              f"{'ratio':>6}  ids equal")
        for name, (ours_path, ref_path) in models.items():
            ours = load(ours_path)
            ref = spm.SentencePieceProcessor(model_file=str(ref_path))
            hf = None
            if str(ours_path).endswith(".json"):
                import tokenizers

                hf = tokenizers.Tokenizer.from_file(str(ours_path))
            for text_name, text in texts.items():
                lines = text.split("\n")
                megabytes = len(text.encode()) / 1e6
                modes = {
                    "lines": (lambda: [ours.encode(x, disallowed_special=()) for x in lines],
                              lambda: [ref.encode(x) for x in lines]),
                    "file": (lambda: ours.encode(text, disallowed_special=()), lambda: ref.encode(text)),
                    "batch": (lambda: ours.encode_batch(lines, num_threads=2, disallowed_special=()),
                              lambda: ref.encode(lines, num_threads=2)),
                }
                for mode, (run_ours, run_ref) in modes.items():
                    clock = time.perf_counter if mode == "batch" else time.process_time
                    ours_time, ref_time, ours_ids, ref_ids = compare(
                        run_ours, run_ref, args.runs, ours.model.clear_cache, clock)
                    if hf is not None:
                        if mode == "file":
                            ref_ids = hf.encode(text, add_special_tokens=False).ids
                        else:
                            ref_ids = [e.ids for e in hf.encode_batch(lines, add_special_tokens=False)]
                    print(f"{name:18} {text_name:10} {mode:6} {megabytes / ours_time:16.2f} "
                          f"{megabytes / ref_time:19.2f} {ref_time / ours_time:6.2f}  {ours_ids == ref_ids}",
                          flush=True)
                if hf is not None:
                    hf_time, _, _, _ = compare(lambda: hf.encode_batch(lines, add_special_tokens=False),
                                               lambda: None, args.runs, lambda: None, time.perf_counter)
                    print(f"{'  (HF tokenizers)':18} {text_name:10} {'batch':6} {'':16} "
                          f"{megabytes / hf_time:19.2f} {'':6}  (HF's own speed)", flush=True)


if __name__ == "__main__":
    from provenance import print_provenance

    print_provenance()
    main()
