"""Parity across languages: the tokenization premium.

As in Petrov et al., "Language Model Tokenizers Introduce Unfairness Between Languages"
(NeurIPS 2023): on a parallel corpus, the premium of language L is the number of tokens of the L
text over the number of tokens of the same content in English,
``premium(L) = sum_i |t(x_i^L)| / sum_i |t(x_i^eng)|`` (corpus level, as published; the paper
used FLORES-200, NTREX-128 has the same shape). A premium of 2 means the same content costs twice
as many tokens (context, latency, money) as in English. Each line is encoded on its own.

Adapted: besides the corpus-level ratio, the mean of the per-line ratios is kept (it weighs every
sentence equally), and the summary groups languages by script. Variants of the pivot language
(codes ``eng-GB``, ``eng-US``... for pivot ``eng``) are listed but left out of the summary
(best, worst, median, spread, by script): their premium is 1 by construction.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from .corpus import encode_texts
from .parallel import ParallelCorpus


@dataclass
class LanguagePremium:
    code: str
    name: str
    script: str
    tokens: int
    bytes: int
    chars: int
    premium: float            # tokens(L) / tokens(pivot), whole corpus
    mean_line_premium: float  # mean over lines of tokens(L line) / tokens(pivot line)
    bytes_per_token: float
    chars_per_token: float


@dataclass
class ScriptPremium:
    script: str
    languages: int
    mean_premium: float
    median_premium: float
    max_premium: float


@dataclass
class Parity:
    pivot: str
    pivot_tokens: int
    lines: int
    languages: list[LanguagePremium]   # sorted by premium, worst first
    by_script: list[ScriptPremium]     # sorted by mean premium, worst first
    worst: list[str]                   # codes of the 5 highest premiums
    best: list[str]
    median_premium: float
    max_premium: float
    min_premium: float
    spread: float                      # max / min premium
    share_above_2: float               # share of languages paying at least twice English


def parity(tokenizer, corpus: ParallelCorpus, progress: bool = True) -> Parity:
    pivot_counts = _counts(tokenizer, corpus.pivot.lines, progress, f"{tokenizer.name} {corpus.pivot.code}")
    pivot_total = int(pivot_counts.sum())
    safe_pivot = np.maximum(pivot_counts, 1)
    rows = []
    languages = corpus.languages
    if progress:
        from tqdm.auto import tqdm

        languages = tqdm(languages, desc=f"{tokenizer.name} parity", unit="lang", leave=False)
    for lang in languages:
        counts = _counts(tokenizer, lang.lines, False, lang.code)
        total = int(counts.sum())
        n_bytes = sum(len(line.encode("utf-8")) for line in lang.lines)
        n_chars = sum(len(line) for line in lang.lines)
        rows.append(LanguagePremium(
            lang.code, lang.name, lang.script, total, n_bytes, n_chars,
            premium=total / pivot_total,
            mean_line_premium=float(np.mean(counts / safe_pivot)),
            bytes_per_token=n_bytes / max(total, 1), chars_per_token=n_chars / max(total, 1)))
    rows.sort(key=lambda r: (-r.premium, r.code))
    others = [r for r in rows if not r.code.startswith(corpus.pivot.code + "-")] or rows
    premiums = [r.premium for r in others]
    scripts: dict[str, list[float]] = {}
    for r in others:
        scripts.setdefault(r.script, []).append(r.premium)
    by_script = sorted((ScriptPremium(s, len(v), statistics.fmean(v), statistics.median(v), max(v))
                        for s, v in scripts.items()), key=lambda s: (-s.mean_premium, s.script))
    return Parity(
        pivot=corpus.pivot.code, pivot_tokens=pivot_total, lines=len(corpus.pivot.lines),
        languages=rows, by_script=by_script,
        worst=[r.code for r in others[:5]], best=[r.code for r in others[::-1][:5]],
        median_premium=statistics.median(premiums), max_premium=max(premiums),
        min_premium=min(premiums),
        spread=max(premiums) / min(premiums) if min(premiums) > 0 else math.inf,
        share_above_2=sum(p >= 2 for p in premiums) / len(premiums))


def _counts(tokenizer, lines, progress, desc) -> np.ndarray:
    encoded = encode_texts(tokenizer, lines, desc=desc, progress=progress)
    return np.array([len(ids) for ids in encoded.ids], dtype=np.int64)
