"""Reading corpora as streams of text: plain text, JSON Lines, Parquet, gzip, Python iterables."""

from .cutting import find_cut
from .jsonl import read_jsonl
from .parquet import read_parquet
from .sources import corpus_files, iter_corpus, read_file
from .text_files import read_text_file

__all__ = ["corpus_files", "iter_corpus", "read_file", "read_text_file", "read_jsonl", "read_parquet", "find_cut"]
