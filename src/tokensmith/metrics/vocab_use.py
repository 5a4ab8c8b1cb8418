"""Vocabulary use on a corpus: how much of the vocabulary the text actually exercises.

``used_share`` = distinct text tokens produced / text tokens in the vocabulary (control tokens
excluded from both). ``never_produced`` counts the rest; ``never_produced_examples`` shows the
longest of them (long unused tokens are the wasted embedding rows worth looking at).
``used_per_mb`` is distinct tokens used per MB of corpus, since use grows with corpus size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .vocab_table import VocabTable


@dataclass
class VocabUse:
    text_tokens: int
    used: int
    used_share: float
    never_produced: int
    corpus_mb: float
    used_per_mb: float
    never_produced_examples: list[str] = field(default_factory=list)


def vocab_use(tokenizer, counts: np.ndarray, n_bytes: int, examples: int = 20) -> VocabUse:
    table = VocabTable.of(tokenizer)
    text_ids = table.text_ids
    counts = np.asarray(counts)
    seen = counts[text_ids[text_ids < counts.size]] > 0
    used = int(seen.sum())
    unused = text_ids[: seen.size][~seen]
    longest = sorted(unused.tolist(), key=lambda i: (-len(table.surfaces[i]), i))[:examples]
    mb = n_bytes / 1e6
    return VocabUse(len(text_ids), used, used / len(text_ids) if len(text_ids) else 0.0,
                    len(text_ids) - used, mb, used / mb if mb else 0.0,
                    [table.surfaces[i].decode("utf-8", "backslashreplace") for i in longest])
