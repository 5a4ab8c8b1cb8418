"""Encoding corpora into shards of token ids for language-model training.

:func:`encode_corpus` streams documents from any corpus the trainers read (``.txt``, ``.jsonl``,
``.parquet``, ``.gz``, iterables of ``str``), encodes them locally on threads or in Ray tasks,
and writes numbered ``.npy`` shards, ``document_ends.npy`` and ``index.json``.
:func:`load_index` and :func:`iter_documents` read such a directory back.
"""

from .encoding import encode_corpus
from .reading import iter_documents, load_index

__all__ = ["encode_corpus", "iter_documents", "load_index"]
