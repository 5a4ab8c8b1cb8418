"""Throughput of tokensmith.vocabfree, beside the reference packages where they exist.

    PYTHONPATH=src python benchmarks/bench_vocabfree.py [--kb 200] [--runs 3]

English text (``--kb`` KB from the middle of the corpus, as lines). Prints medians of ``--runs``:
the byte n-gram model (training; per-byte surprisal beside ByteSpan's pure-Python model), byte
patching per rule, Equal-Info Windows encode/decode, T-FREE patterns and decoding, and spaCy
multi-hash rows beside spaCy's own feature extraction + thinc's hash (the reference).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from provenance import print_provenance

DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def median_time(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def english(kb: float, offset: int) -> list[str]:
    with open(DATA / "corpora" / "en_gutenberg_100MB.txt", "rb") as f:
        f.seek(offset)
        text = f.read(int(kb * 1000)).decode("utf-8", errors="ignore")
    return [line for line in text.split("\n") if line.strip()]


def row(label, seconds, amount, unit, reference=None):
    rate = amount / seconds
    extra = "" if reference is None else f"   reference {amount / reference:10.1f} {unit}/s   ratio {reference / seconds:6.2f}"
    print(f"  {label:<34}{rate:12.1f} {unit}/s{extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=float, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print_provenance()
    from tokensmith.trainers.bytespan import NgramByteLM
    from tokensmith.vocabfree import ByteNgramModel, EqualInfoCoder, Patcher
    from tokensmith.vocabfree.multihash import MultiHashEmbed
    from tokensmith.vocabfree.tfree import TFree, TFreeDictionary, split_words

    train = english(2000, 30_000_000)
    test = english(args.kb, 60_000_000)
    size_kb = sum(len(t.encode()) for t in test) / 1000
    runs = args.runs
    print(f"byte model: order 4, trained on {sum(len(t.encode()) for t in train) / 1e6:.1f} MB, measured on {size_kb:.0f} KB")
    t = median_time(lambda: ByteNgramModel.train(train, 4), runs)
    row("train", t, sum(len(x.encode()) for x in train) / 1000, "KB")
    model = ByteNgramModel.train(train, 4)
    counts: dict[bytes, int] = {}
    for line in train:
        counts[line.encode()] = counts.get(line.encode(), 0) + 1
    reference = NgramByteLM(counts, 4)
    few = test[:100]
    few_kb = sum(len(x.encode()) for x in few) / 1000
    t = median_time(lambda: [model(x.encode()) for x in few], runs)
    t_ref = median_time(lambda: [reference(x.encode()) for x in few], 1)
    row("surprisal (vs ByteSpan's NgramByteLM)", t, few_kb, "KB", t_ref)

    print("patching (each line patched alone)")
    for rule in ("space", "words", "entropy", "monotonic", "chunking"):
        patcher = Patcher(rule, predictor=model if rule in ("entropy", "monotonic", "chunking") else None)
        t = median_time(lambda: [patcher.starts(x) for x in test], runs)
        row(rule, t, size_kb, "KB")

    print("Equal-Info Windows (first 30 lines)")
    lines = test[:30]
    lines_kb = sum(len(x.encode()) for x in lines) / 1000
    for bits in (16, 64):
        coder = EqualInfoCoder(model, bits, 16)
        t = median_time(lambda: [coder.encode(x) for x in lines], max(1, runs // 2))
        row(f"encode, {bits}-bit windows", t, lines_kb, "KB")
        tokens = [coder.encode(x) for x in lines]
        t = median_time(lambda: [coder.decode(x) for x in tokens], max(1, runs // 2))
        row(f"decode, {bits}-bit windows", t, lines_kb, "KB")

    print("T-FREE (v = 8000, m = 10)")
    words = [w for x in test for w in split_words(x)]
    t = median_time(lambda: [split_words(x) for x in test], runs)
    row("split_words", t, size_kb, "KB")
    tf = TFree()
    [tf.pattern(w) for w in words]  # warm the trigram rows (md5 once per trigram)
    t = median_time(lambda: [tf.pattern(w) for w in words], runs)
    row("patterns (rows cached)", t, len(words) / 1000, "k words")
    t = median_time(lambda: [TFree().pattern(w) for w in set(words[:3000])], 1)
    row("patterns (cold: md5 per trigram)", t, len(set(words[:3000])) / 1000, "k words")
    dictionary = TFreeDictionary(sorted(set(words)), tf)
    batch = dictionary.activations([tf.pattern(w) for w in words[:64]])
    t = median_time(lambda: dictionary.scores(batch), runs)
    row(f"decode against {len(dictionary)} words", t, 64, "patterns")

    try:
        import spacy
        from spacy.ml.models import MultiHashEmbed as SpacyMultiHashEmbed
    except ImportError:
        print("multi-hash: spaCy not installed")
        return
    import numpy as np

    print(f"spaCy multi-hash rows (spaCy {spacy.__version__})")
    nlp = spacy.blank("en")
    docs = list(nlp.pipe(test[:2000]))
    tokens = [[t.text for t in d] for d in docs]
    n_tokens = sum(map(len, tokens)) / 1000
    ours = MultiHashEmbed()
    model_ref = SpacyMultiHashEmbed(width=32, attrs=list(ours.attrs), rows=list(ours.rows), include_static_vectors=False)
    model_ref.initialize(docs[:10])
    tables = [layer for layer in model_ref.walk() if layer.name == "hashembed"]
    extractor = model_ref.layers[0]

    def reference_rows():
        for features in extractor.predict(docs):
            for j, table in enumerate(tables):
                table.ops.hash(np.ascontiguousarray(features[:, j]), table.attrs["seed"]) % table.get_dim("nV")

    t_ref = median_time(reference_rows, runs)
    t = median_time(lambda: [ours.rows_of(x) for x in tokens], runs)
    row("rows of tokens (vs spaCy + thinc)", t, n_tokens, "k tokens", t_ref)


if __name__ == "__main__":
    main()
