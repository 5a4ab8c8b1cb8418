"""Reading corpora and encoding them once, so that every measure reuses the same ids.

A corpus is read by the reader training uses (:func:`tokensmith.corpus.iter_corpus`): a path, a
list of paths or an iterable of texts; plain text, JSON Lines (the ``text_field`` of each
record), Parquet (the ``text_field`` column), ``.gz``, and directories of such files. Only the
text is measured: a JSON Lines file counts the bytes of its text field, never its JSON syntax.
Each text (a record, or a chunk of a text file) is cut into blocks of whole lines (about 4 kB
each, newlines kept) so that the newline tokens count as in real use and batches stay large;
blocks never join two records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from ..corpus import iter_corpus
from ..corpus.sources import is_path
from ..errors import InputError

BLOCK_BYTES = 4096
BATCH = 256


def corpus_items(corpus: Any) -> list:
    """``corpus`` as a list of items (paths or texts): one path stands alone."""
    if isinstance(corpus, (str, os.PathLike)):
        return [corpus]
    return list(corpus)


def corpus_names(corpus: Any) -> list[str]:
    """What the report names as the corpus: its paths (a text given directly is ``(text)``)."""
    return [os.fspath(item) if is_path(item) else "(text)" for item in corpus_items(corpus)]


def read_corpus(corpus: Any, max_bytes: int | None = None, *, text_field: str = "text",
                errors: str = "strict") -> list[str]:
    """Blocks of whole lines from every text of ``corpus`` (at most ``max_bytes`` of text in
    total); a path that holds no text is an error naming it."""
    blocks: list[str] = []
    total = 0
    for item in corpus_items(corpus):
        empty = True
        for text in iter_corpus([item], errors=errors, text_field=text_field):
            empty = empty and not text.strip()
            for block in _blocks(text):
                size = len(block.encode("utf-8"))
                if max_bytes is not None and total + size > max_bytes:
                    return blocks
                blocks.append(block)
                total += size
        if empty:
            raise InputError("corpus is empty (no text to measure)", item if is_path(item) else None)
    if not blocks:
        raise InputError("no corpus text given")
    return blocks


def _blocks(text: str) -> Iterable[str]:
    lines = text.splitlines(keepends=True)
    current: list[str] = []
    size = 0
    for line in lines:
        current.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield "".join(current)
            current, size = [], 0
    if current:
        yield "".join(current)


@dataclass
class Encoded:
    """Texts and their ids (one ``int64`` array per text)."""

    texts: list[str]
    ids: list[np.ndarray]

    @property
    def n_tokens(self) -> int:
        return int(sum(len(a) for a in self.ids))

    @property
    def n_bytes(self) -> int:
        return sum(len(t.encode("utf-8")) for t in self.texts)

    @property
    def n_chars(self) -> int:
        return sum(len(t) for t in self.texts)

    def counts(self, vocab_size: int) -> np.ndarray:
        """How many times each id occurs."""
        if not self.ids:
            return np.zeros(vocab_size, dtype=np.int64)
        flat = np.concatenate(self.ids) if self.ids else np.zeros(0, dtype=np.int64)
        size = max(vocab_size, int(flat.max()) + 1 if flat.size else 0)
        return np.bincount(flat, minlength=size)


def encode_texts(tokenizer, texts: Sequence[str], desc: str | None = None,
                 progress: bool = True) -> Encoded:
    """Encode ``texts`` in batches, with a progress bar for long runs."""
    from tqdm.auto import tqdm

    from ..progress import bars_wanted

    texts = list(texts)
    out: list[np.ndarray] = []
    bar = tqdm(total=len(texts), desc=desc or tokenizer.name, unit="text", leave=False,
               disable=not bars_wanted(progress) or len(texts) < 4 * BATCH)
    for start in range(0, len(texts), BATCH):
        batch = texts[start:start + BATCH]
        out.extend(np.asarray(ids, dtype=np.int64) for ids in tokenizer.encode_batch(batch))
        bar.update(len(batch))
    bar.close()
    return Encoded(texts, out)
