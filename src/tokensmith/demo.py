"""The main job on the embedded default corpus: train, save, reload, measure, compare.

``tokensmith demo -o tokensmith-demo/`` needs nothing but this package (no network, no data
files): it trains one tokenizer per vocabulary family (byte-level BPE, Unigram, WordPiece by
default) on the embedded English sample (``data/english_sample.txt.gz``), writes each in the
native and HF formats, checks that each file reloads to the same ids (the HF file in tokensmith
and, when it is installed, in HF ``tokenizers`` itself), and compares them on held-out text with
the evaluation suite: an HTML, Markdown and JSON report in ``report/``. A method whose tokenizer
HF's format cannot hold keeps its native file only, and the result says so.
"""

from __future__ import annotations

import gzip
import os
import time
from dataclasses import dataclass
from importlib import resources

from .errors import OptionError


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
    hf_path: str | None = None   # None: HF tokenizer.json cannot hold this method's tokenizer


DEFAULT_METHODS = ("bpe", "unigram", "wordpiece")
# Unigram keeps the characters covering 99.95% of the text (SentencePiece's default), which on
# this sample leaves out some digits: byte fallback (as Llama's tokenizers use) keeps them.
METHOD_OPTIONS = {"unigram": {"byte_fallback": True}}


def run_demo(output_dir: str, vocab_size: int = 8192, methods: tuple[str, ...] = DEFAULT_METHODS,
             progress: bool = True) -> list[DemoResult]:
    from .formats import load
    from .trainers import train

    corpus, held_out = train_and_held_out(embedded_corpus())
    held_bytes = len(held_out.encode("utf-8"))
    os.makedirs(output_dir, exist_ok=True)
    results = []
    for method in methods:
        started = time.perf_counter()
        tokenizer = train(corpus, method=method, vocab_size=vocab_size, progress=progress,
                          **METHOD_OPTIONS.get(method, {}))
        seconds = time.perf_counter() - started
        path = os.path.join(output_dir, f"{method}.json")
        tokenizer.save(path)
        ids = tokenizer.encode(held_out)
        check_reload(method, tokenizer, load(path), held_out, ids)
        hf_path = save_hf(tokenizer, os.path.join(output_dir, f"{method}.tokenizer.json"))
        if hf_path is not None:
            reloaded = load(hf_path)
            if _breaks_ties_as_hf(tokenizer):
                check_reload(method, tokenizer, reloaded, held_out, ids)
            else:
                check_same_text(method, tokenizer, reloaded, held_out, ids)
            check_with_hf(method, hf_path, held_out, reloaded.encode(held_out))
        results.append(DemoResult(method, tokenizer.vocab_size, seconds, held_bytes / len(ids), path, hf_path))
    return results


def check_reload(method: str, tokenizer, reloaded, text: str, ids: list[int]) -> None:
    # Byte-level BPE decodes back to the text itself; normalizing families (lowercasing,
    # NFKC) to their normalized form, which the reloaded file must give alike.
    if reloaded.encode(text) != ids or reloaded.decode(ids) != tokenizer.decode(ids):
        raise AssertionError(f"{method}: the saved tokenizer does not reproduce the trained one")


def _breaks_ties_as_hf(tokenizer) -> bool:
    """False for Unigram: where two segmentations score exactly alike ("." + "..." and "..." +
    "."), the sums' rounding decides, and the trained model sums word by word where HF (and the
    tokenizer.json reader) sums over each pre-token; the file then means what HF reads, which
    :func:`check_with_hf` checks exactly."""
    from .models.unigram.model import UnigramModel

    return not isinstance(tokenizer.model, UnigramModel)


def check_same_text(method: str, tokenizer, reloaded, text: str, ids: list[int]) -> None:
    if reloaded.decode(reloaded.encode(text)) != tokenizer.decode(ids):
        raise AssertionError(f"{method}: the saved tokenizer does not give back the same text")


def save_hf(tokenizer, path: str) -> str | None:
    """Write HF's tokenizer.json; None when the format cannot hold this tokenizer (any other
    failure is raised)."""
    from .formats.hf_json import tokenizer_document

    try:
        tokenizer_document(tokenizer)  # refuses, before any file is written, what HF cannot hold
    except OptionError:
        return None
    tokenizer.save(path, format="hf")
    return path


def check_with_hf(method: str, path: str, text: str, ids: list[int]) -> None:
    """HF ``tokenizers`` (when installed) must read the file as tokensmith does."""
    try:
        import tokenizers
    except ImportError:
        return
    theirs = tokenizers.Tokenizer.from_file(path).encode(text, add_special_tokens=False).ids
    if theirs != ids:
        first = next((k for k, (a, b) in enumerate(zip(theirs, ids)) if a != b), min(len(theirs), len(ids)))
        raise AssertionError(f"{method}: HF tokenizers reads {path} differently from tokensmith "
                             f"(first difference at token {first})")


def compare_demo(output_dir: str, results: list[DemoResult], progress: bool = False):
    """The evaluation suite on the held-out text, every trained tokenizer side by side; returns
    the report's data and the paths written under ``output_dir/report``."""
    from .metrics import evaluate
    from .report import as_data, write_report

    _, held_out = train_and_held_out(embedded_corpus())
    held_out_path = os.path.join(output_dir, "held_out.txt")
    with open(held_out_path, "w", encoding="utf-8") as f:
        f.write(held_out)
    evaluation = evaluate([f"{r.method}={r.path}" for r in results], corpus=[held_out_path],
                          progress=progress)
    data = as_data(evaluation)
    paths = write_report(data, os.path.join(output_dir, "report"),
                         title="tokensmith demo: vocabulary families on held-out English")
    return data, paths
