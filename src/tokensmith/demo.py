"""The main job on the embedded default corpus: train, save, reload, measure.

``tokensmith demo -o tokensmith-demo/`` needs nothing but this package (no network, no data
files): it trains tokenizers on the embedded English sample (``data/english_sample.txt.gz``),
writes them in the native and HF formats, checks that each reloads to the same ids, and measures
them on held-out text.
"""

from __future__ import annotations

import gzip
import os
import time
from dataclasses import dataclass
from importlib import resources


def embedded_corpus() -> str:
    """The embedded English sample (about 2 MB of public-domain prose)."""
    with resources.files("tokensmith").joinpath("data/english_sample.txt.gz").open("rb") as raw:
        return gzip.decompress(raw.read()).decode("utf-8")


def train_and_held_out(text: str, held_out_share: float = 0.1) -> tuple[list[str], str]:
    """Paragraphs to train on, and the last ``held_out_share`` of the text to measure on."""
    cut = text.rfind("\n\n", 0, int(len(text) * (1 - held_out_share))) + 2
    return [p for p in text[:cut].split("\n\n") if p.strip()], text[cut:]


@dataclass
class DemoResult:
    method: str
    vocab_size: int
    train_seconds: float
    bytes_per_token: float
    path: str


def run_demo(output_dir: str, vocab_size: int = 8192, methods: tuple[str, ...] = ("bpe",),
             progress: bool = True) -> list[DemoResult]:
    from .formats import load
    from .train import train

    corpus, held_out = train_and_held_out(embedded_corpus())
    held_bytes = len(held_out.encode("utf-8"))
    os.makedirs(output_dir, exist_ok=True)
    results = []
    for method in methods:
        started = time.perf_counter()
        tokenizer = train(corpus, method=method, vocab_size=vocab_size, progress=progress)
        seconds = time.perf_counter() - started
        path = os.path.join(output_dir, f"{method}.json")
        tokenizer.save(path)
        reloaded = load(path)
        ids = tokenizer.encode(held_out)
        if reloaded.encode(held_out) != ids or reloaded.decode(ids) != held_out:
            raise AssertionError(f"{method}: the saved tokenizer does not reproduce the trained one")
        try:
            tokenizer.save(os.path.join(output_dir, f"{method}.tokenizer.json"), format="hf")
        except Exception:  # a method HF cannot represent keeps only its native file
            pass
        results.append(DemoResult(method, tokenizer.vocab_size, seconds, held_bytes / len(ids), path))
    return results
