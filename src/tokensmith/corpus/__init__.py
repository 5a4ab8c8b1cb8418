"""Reading corpora as streams of text: plain text, JSON Lines, Parquet, gzip, Python iterables.

The one reader of the project: training, dataset encoding, remote work units and the measures
all read through it, and :mod:`.cutting` holds the one rule for where text may be cut.
"""

from .cutting import cut_units, find_cut, next_cut
from .jsonl import read_jsonl
from .parquet import read_parquet
from .ranges import byte_ranges
from .sources import corpus_files, iter_corpus, iter_items, iter_parts, read_file, read_text
from .text_files import read_text_file

__all__ = ["corpus_files", "iter_corpus", "iter_items", "iter_parts", "read_file", "read_text",
           "read_text_file", "read_jsonl", "read_parquet", "find_cut", "next_cut", "cut_units",
           "byte_ranges"]
