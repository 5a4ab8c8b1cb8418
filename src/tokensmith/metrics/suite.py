"""Every measure for one or several tokenizers, as one plain result object.

``evaluate(tokenizers, corpus=..., parallel=..., gold=...)`` opens the tokenizers (any spec
``open_tokenizer`` accepts), encodes each input once per tokenizer and runs the measures whose
input was given. The corpus is read as training reads it (:mod:`.corpus`: text, JSON Lines,
Parquet, gzip, directories). ``Evaluation.to_dict()`` is what the JSON report holds.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import OptionError
from ..forensics.robustness import Robustness, robustness
from ..progress import Progress
from .compression import Compression, compression
from .corpus import corpus_names, encode_texts, read_corpus
from .lengths import LengthDistribution, length_distribution
from .morphology import Morphology, morphology, read_gold
from .numbers import Numbers, numbers
from .parallel import read_parallel
from .parity import MODES, Parity, parity
from .renyi import NORMALIZATIONS, Renyi, renyi
from .vocab_audit import VocabAudit, vocab_audit
from .vocab_use import VocabUse, vocab_use
from .vocab_table import VocabTable


@dataclass
class TokenizerResult:
    name: str
    backend: str
    vocab_size: int
    lengths: LengthDistribution
    numbers: Numbers
    audit: VocabAudit | None = None
    compression: Compression | None = None
    renyi: Renyi | None = None
    vocab_use: VocabUse | None = None
    parity: Parity | None = None
    morphology: Morphology | None = None
    robustness: Robustness | None = None
    seconds: float = 0.0


@dataclass
class Evaluation:
    tokenizers: list[TokenizerResult]
    inputs: dict = field(default_factory=dict)   # what was measured: files, sizes, options
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def get(self, name: str) -> TokenizerResult:
        for t in self.tokenizers:
            if t.name == name:
                return t
        raise KeyError(name)


def evaluate(tokenizers: Sequence, corpus=(),
             parallel: str | os.PathLike | None = None, gold: str | os.PathLike | None = None,
             *, alpha: float = 2.5, audit: bool = True, max_corpus_bytes: int | None = None,
             text_field: str = "text", errors: str = "strict", renyi_normalize: str = "vocabulary",
             pivot: str = "eng", languages: list[str] | None = None,
             max_parallel_lines: int | None = None, parity_mode: str = "lines",
             backend: str = "auto", progress: bool = True) -> Evaluation:
    """Measure each tokenizer on the given inputs. Inputs are read (and checked) before any
    tokenizer runs, so bad input fails fast.

    ``corpus``: a path, a list of paths or an iterable of texts, as for training; ``text_field``
    names the JSON Lines field / Parquet column, ``errors`` the policy for invalid UTF-8.
    ``renyi_normalize``: ``"vocabulary"`` or ``"observed"`` (:mod:`.renyi`). ``parity_mode``:
    ``"lines"`` or ``"joined"`` (:mod:`.parity`)."""
    from ..adapters import open_tokenizer, parse_spec

    if alpha < 0:
        raise OptionError(f"--alpha must be >= 0, got {alpha}")
    if parity_mode not in MODES:
        raise OptionError(f"--parity-mode must be one of {', '.join(MODES)}, got {parity_mode!r}")
    if renyi_normalize not in NORMALIZATIONS:
        raise OptionError(f"--renyi-normalize must be one of {', '.join(NORMALIZATIONS)}, "
                          f"got {renyi_normalize!r}")
    start = time.perf_counter()
    if not tokenizers:
        raise OptionError("no tokenizer given")
    _check_names([parse_spec(os.fspath(t))[0] if isinstance(t, (str, os.PathLike)) else None
                  for t in tokenizers])
    names = corpus_names(corpus) if corpus else []
    report = Progress(enabled=progress, label="evaluate")  # one line per phase in logs
    with report.phase("reading the inputs"):
        texts = read_corpus(corpus, max_corpus_bytes, text_field=text_field, errors=errors) if corpus else None
        par = read_parallel(parallel, pivot=pivot, languages=languages,
                            max_lines=max_parallel_lines) if parallel else None
        gold_entries = read_gold(gold) if gold else None
    with report.phase("loading the tokenizers"):
        opened = [open_tokenizer(t, backend=backend) for t in tokenizers]
    _check_names([t.name for t in opened])
    inputs = {
        "corpus": names,
        "text_field": text_field,
        "corpus_bytes": sum(len(t.encode("utf-8")) for t in texts) if texts else 0,
        "parallel": None if par is None else par.directory,
        "languages": 0 if par is None else len(par.languages) + 1,
        "parallel_lines": 0 if par is None else len(par.pivot.lines),
        "gold": None if gold is None else os.fspath(gold),
        "gold_words": len(gold_entries or ()),
        "alpha": alpha,
        "renyi_normalize": renyi_normalize,
        "parity_mode": parity_mode,
    }
    options = dict(alpha=alpha, renyi_normalize=renyi_normalize, parity_mode=parity_mode,
                   audit=audit, progress=progress)
    results = []
    for tok in opened:
        with report.phase(f"measuring {tok.name}"):
            results.append(_one(tok, texts, par, gold_entries, **options))
    return Evaluation(results, inputs, time.perf_counter() - start)


def _check_names(names) -> None:
    known = [n for n in names if n is not None]
    if len(set(known)) != len(known):
        raise OptionError(f"two tokenizers share a name ({', '.join(known)}); name them with NAME=PATH")


def _one(tok, texts, par, gold, *, alpha, renyi_normalize, parity_mode, audit,
         progress) -> TokenizerResult:
    start = time.perf_counter()
    VocabTable.of(tok)
    result = TokenizerResult(tok.name, getattr(tok, "backend", type(tok).__name__), tok.vocab_size,
                             lengths=length_distribution(tok), numbers=numbers(tok))
    if texts is not None:
        encoded = encode_texts(tok, texts, desc=f"{tok.name} corpus", progress=progress)
        counts = encoded.counts(tok.vocab_size)
        text_vocab = len(VocabTable.of(tok).text_ids)
        result.compression = compression(tok, encoded)
        result.renyi = renyi(counts, text_vocab, alpha, renyi_normalize)
        result.vocab_use = vocab_use(tok, counts, encoded.n_bytes)
        result.lengths = length_distribution(tok, counts)
        result.robustness = robustness(tok, texts)  # seeded: the same words for every tokenizer
    if audit:
        result.audit = vocab_audit(tok, progress=progress)
    if par is not None:
        result.parity = parity(tok, par, progress=progress, mode=parity_mode)
    if gold is not None:
        result.morphology = morphology(tok, gold)
    result.seconds = time.perf_counter() - start
    return result
