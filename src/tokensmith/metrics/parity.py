"""Parity across languages: the tokenization premium.

As in Petrov et al., "Language Model Tokenizers Introduce Unfairness Between Languages"
(NeurIPS 2023): on a parallel corpus, the premium of language L is the number of tokens of the L
text over the number of tokens of the same content in English. A premium of 2 means the same
content costs twice as many tokens (context, latency, money) as in English. Two modes:

* ``joined`` (as published: the paper's code joins all lines of a language with a space and
  encodes that one text): ``premium(L) = |t(" ".join(x^L))| / |t(" ".join(x^eng))|``.
* ``lines`` (the default): each line is encoded on its own, as texts are sent to a model,
  ``premium(L) = sum_i |t(x_i^L)| / sum_i |t(x_i^eng)|``. The two differ only by what the
  line starts cost (a SentencePiece dummy prefix, a split between lines), usually a few percent.

Also as published: a language with more than 10% unknown tokens (``fidelity.UNKNOWN_LIMIT``) is
INVALID for the tokenizer: its premium only looks small because text vanished into ``<unk>``.
It is listed with ``valid=False``, never ranked, and left out of every aggregate (median, worst,
best, spread, share at 2x, by script). When the pivot itself is over the limit, every language is
INVALID: a premium relative to a text that was not encoded means nothing.

Adapted: besides the corpus-level ratio, the mean of the per-line ratios is kept (it weighs every
sentence equally); each language also gets its unknown-token share and the share of its lines
that decode back exactly (:mod:`.fidelity`); the summary groups languages by script. Variants of
the pivot language (codes ``eng-GB``, ``eng-US``... for pivot ``eng``) are listed but left out of
the summary: their premium is 1 by construction.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from ..errors import OptionError
from .corpus import encode_texts
from .fidelity import UNKNOWN_LIMIT, count_unknown, roundtrip_flags, unknown_id
from .parallel import Language, ParallelCorpus

MODES = ("lines", "joined")


@dataclass
class LanguagePremium:
    code: str
    name: str
    script: str
    tokens: int
    bytes: int
    chars: int
    premium: float            # tokens(L) / tokens(pivot), whole corpus (meaningless when not valid)
    mean_line_premium: float  # mean over lines of tokens(L line) / tokens(pivot line)
    bytes_per_token: float
    chars_per_token: float
    unknown_tokens: int = 0
    unknown_share: float = 0.0    # share of the tokens that are the unknown token
    roundtrip_share: float = 1.0  # share of lines with decode(encode(line)) == line
    valid: bool = True            # at most UNKNOWN_LIMIT unknown tokens (and a valid pivot)


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
    languages: list[LanguagePremium]   # valid ones by premium, worst first; then INVALID ones by code
    by_script: list[ScriptPremium]     # sorted by mean premium, worst first (valid languages only)
    worst: list[str]                   # codes of the 5 highest premiums (valid languages only)
    best: list[str]
    median_premium: float | None       # aggregates over the valid languages; None if there is none
    max_premium: float | None
    min_premium: float | None
    spread: float | None               # max / min premium
    share_above_2: float | None        # share of languages paying at least twice English
    mode: str = "lines"
    unknown_limit: float = UNKNOWN_LIMIT
    invalid: list[str] | None = None   # codes of the INVALID languages
    summarised: int = 0                # languages the aggregates cover
    pivot_unknown_share: float = 0.0
    pivot_roundtrip_share: float = 1.0
    unknown_share: float = 0.0         # over the tokens of every language, the pivot included
    roundtrip_share: float = 1.0       # over the lines of every language, the pivot included


@dataclass
class _Encoded:
    """One language as the premium sees it."""

    tokens: int                 # of the premium's encoding (joined text or lines)
    unknown: int                # unknown tokens among them
    line_counts: np.ndarray     # tokens per line
    roundtrip: np.ndarray       # per line: decoded back exactly


def parity(tokenizer, corpus: ParallelCorpus, progress: bool = True, mode: str = "lines",
           unknown_limit: float = UNKNOWN_LIMIT) -> Parity:
    if mode not in MODES:
        raise OptionError(f"parity mode must be one of {', '.join(MODES)}, got {mode!r}")
    unk = unknown_id(tokenizer)
    pivot = _encode(tokenizer, corpus.pivot, mode, unk, progress)
    pivot_unknown = pivot.unknown / max(pivot.tokens, 1)
    pivot_valid = pivot_unknown <= unknown_limit
    safe_pivot = np.maximum(pivot.line_counts, 1)
    rows = []
    exact_lines = int(pivot.roundtrip.sum())
    languages = corpus.languages
    from ..progress import bars_wanted

    if bars_wanted(progress):
        from tqdm.auto import tqdm

        languages = tqdm(languages, desc=f"{tokenizer.name} parity", unit="lang", leave=False)
    for lang in languages:
        enc = _encode(tokenizer, lang, mode, unk, False)
        n_bytes = sum(len(line.encode("utf-8")) for line in lang.lines)
        n_chars = sum(len(line) for line in lang.lines)
        unknown_share = enc.unknown / max(enc.tokens, 1)
        exact_lines += int(enc.roundtrip.sum())
        rows.append(LanguagePremium(
            lang.code, lang.name, lang.script, enc.tokens, n_bytes, n_chars,
            premium=enc.tokens / max(pivot.tokens, 1),
            mean_line_premium=float(np.mean(enc.line_counts / safe_pivot)),
            bytes_per_token=n_bytes / max(enc.tokens, 1), chars_per_token=n_chars / max(enc.tokens, 1),
            unknown_tokens=enc.unknown, unknown_share=unknown_share,
            roundtrip_share=float(enc.roundtrip.mean()) if enc.roundtrip.size else 1.0,
            valid=pivot_valid and unknown_share <= unknown_limit))
    rows.sort(key=lambda r: (not r.valid, -r.premium if r.valid else 0.0, r.code))
    tokens = pivot.tokens + sum(r.tokens for r in rows)
    lines = len(corpus.pivot.lines) * (len(rows) + 1)
    return Parity(
        pivot=corpus.pivot.code, pivot_tokens=pivot.tokens, lines=len(corpus.pivot.lines),
        languages=rows, mode=mode, unknown_limit=unknown_limit,
        invalid=[r.code for r in rows if not r.valid],
        pivot_unknown_share=pivot_unknown,
        pivot_roundtrip_share=float(pivot.roundtrip.mean()) if pivot.roundtrip.size else 1.0,
        unknown_share=(pivot.unknown + sum(r.unknown_tokens for r in rows)) / max(tokens, 1),
        roundtrip_share=exact_lines / max(lines, 1),
        **_summary([r for r in rows if r.valid and not r.code.startswith(corpus.pivot.code + "-")]))


def _summary(rows: list[LanguagePremium]) -> dict:
    """The aggregates over ``rows`` (valid languages, worst first)."""
    if not rows:
        return dict(by_script=[], worst=[], best=[], median_premium=None, max_premium=None,
                    min_premium=None, spread=None, share_above_2=None, summarised=0)
    premiums = [r.premium for r in rows]
    scripts: dict[str, list[float]] = {}
    for r in rows:
        scripts.setdefault(r.script, []).append(r.premium)
    by_script = sorted((ScriptPremium(s, len(v), statistics.fmean(v), statistics.median(v), max(v))
                        for s, v in scripts.items()), key=lambda s: (-s.mean_premium, s.script))
    return dict(by_script=by_script, worst=[r.code for r in rows[:5]],
                best=[r.code for r in rows[::-1][:5]], median_premium=statistics.median(premiums),
                max_premium=max(premiums), min_premium=min(premiums),
                spread=max(premiums) / min(premiums) if min(premiums) > 0 else None,
                share_above_2=sum(p >= 2 for p in premiums) / len(premiums), summarised=len(rows))


def _encode(tokenizer, lang: Language, mode: str, unk: int | None, progress: bool) -> _Encoded:
    encoded = encode_texts(tokenizer, lang.lines, desc=f"{tokenizer.name} {lang.code}", progress=progress)
    line_counts = np.array([len(ids) for ids in encoded.ids], dtype=np.int64)
    roundtrip = roundtrip_flags(tokenizer, lang.lines, encoded.ids)
    if mode == "joined":
        ids = [np.asarray(tokenizer.encode(" ".join(lang.lines)), dtype=np.int64)]
    else:
        ids = encoded.ids
    return _Encoded(int(sum(len(a) for a in ids)), count_unknown(ids, unk), line_counts, roundtrip)
