"""Corpus readers: text files in chunks, JSON Lines, Parquet, gzip, iterables, and their errors."""

from __future__ import annotations

import gzip
import json
import tracemalloc

import pytest

from tokensmith import InputError, OptionError
from hypothesis import given, settings
from hypothesis import strategies as st

from tokensmith.corpus import (cut_units, find_cut, iter_corpus, next_cut, read_file, read_jsonl,
                               read_parquet, read_text_file)
from tokensmith.corpus.cutting import SAFE_CUT
from tokensmith.pre_tokenizers.patterns import split_reference


def test_text_chunks_concatenate_to_the_file(tmp_path, english_sample):
    path = tmp_path / "a.txt"
    path.write_text(english_sample, encoding="utf-8")
    chunks = list(read_text_file(path, chunk_size=64 * 1024))
    assert len(chunks) > 20
    assert "".join(chunks) == english_sample


@pytest.mark.parametrize("pattern", ["cl100k", "gpt2", "o200k", "llama3"])
def test_cuts_never_change_the_pieces(tmp_path, english_sample, pattern):
    text = english_sample[:400_000]
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    pieces = []
    for chunk in read_text_file(path, chunk_size=16 * 1024):
        pieces.extend(split_reference(pattern, chunk))
    assert pieces == split_reference(pattern, text)


def test_cuts_on_many_scripts(ntrex_files):
    # Text in 128 languages: cuts land on line starts or before " x", never inside a character.
    for path in ntrex_files[::8]:
        data = path.read_bytes()
        chunks = list(read_text_file(path, chunk_size=4096))
        assert "".join(chunks).encode() == data


def test_find_cut_prefers_line_starts():
    buf = b"one two\nthree four five six\nseven"
    assert find_cut(buf) == buf.index(b"seven")
    no_lines = b"alpha beta gamma delta"
    assert no_lines[find_cut(no_lines):] == b" delta"
    cjk = "\u4e2d\u6587" * 10
    cut = find_cut(cjk.encode())
    cjk.encode()[:cut].decode("utf-8")  # a character boundary


def rule_cuts(buf: bytes) -> set[int]:
    """The cut positions of the rule, spelled out byte by byte."""
    def visible(b):
        return 0x21 <= b < 0x7F

    def letter(b):
        return chr(b).isascii() and chr(b).isalpha()

    out = set()
    for i in range(1, len(buf) - 1):
        if buf[i] == 0x20 and letter(buf[i + 1]) and visible(buf[i - 1]):
            out.add(i)
    for i in range(2, len(buf)):
        if buf[i - 1] == 0x0A and letter(buf[i]) and visible(buf[i - 2]):
            out.add(i)
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab. \n\t\u00e9\u4e2d", max_size=80).map(str.encode), st.integers(0, 80))
def test_one_rule_for_every_search(buf, pos):
    cuts = rule_cuts(buf)
    assert {m.end() for m in SAFE_CUT.finditer(buf)} == cuts
    assert next_cut(buf, pos) == min((c for c in cuts if c >= pos), default=None)
    if buf:
        cut = find_cut(buf)
        half = len(buf) // 2
        in_half = [c for c in cuts if half < c < len(buf)]
        if in_half:
            assert cut in cuts and cut > half
        else:  # a forced cut: a character boundary
            buf[:cut].decode("utf-8")


@pytest.mark.parametrize("pattern", ["cl100k", "o200k"])
def test_work_units_split_as_the_whole_text(english_sample, pattern):
    data = english_sample[:200_000].encode()
    units = list(cut_units(data, 2048))
    assert len(units) > 90 and b"".join(units) == data
    assert all(1024 <= len(u) <= 4096 for u in units[:-1])
    pieces = [p for u in units for p in split_reference(pattern, u.decode())]
    assert pieces == split_reference(pattern, english_sample[:200_000])


def test_byte_ranges_read_as_the_whole_file(tmp_path, english_sample):
    from tokensmith.corpus import byte_ranges

    path = tmp_path / "a.txt"
    path.write_text(english_sample[:300_000], encoding="utf-8")
    ranges = byte_ranges(str(path), 50_000)
    assert len(ranges) >= 5 and ranges[0][0] == 0 and ranges[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    texts = [t for start, end in ranges for t in read_file(path, start=start, end=end, chunk_size=8192)]
    assert "".join(texts) == english_sample[:300_000]


def test_invalid_utf8_error_names_file_and_offset(tmp_path):
    path = tmp_path / "bad.txt"
    good = ("line of text\n" * 5000).encode()
    path.write_bytes(good + b"ok \xff\xfe no\n" + good)
    with pytest.raises(InputError) as info:
        list(read_text_file(path, chunk_size=4096))
    assert info.value.path == str(path)
    assert info.value.offset == len(good) + 3
    assert f"byte {len(good) + 3}" in str(info.value)
    replaced = "".join(read_text_file(path, errors="replace", chunk_size=4096))
    assert "ok \ufffd\ufffd no" in replaced
    ignored = "".join(read_text_file(path, errors="ignore", chunk_size=4096))
    assert "ok  no" in ignored
    with pytest.raises(OptionError):
        list(read_text_file(path, errors="surrogateescape"))


def test_long_line_memory_is_bounded(tmp_path):
    # 100 MB on one line (a run of one word without spaces: the worst case for cutting).
    path = tmp_path / "line.txt"
    block = b"x" * (1 << 20)
    with open(path, "wb") as f:
        for _ in range(100):
            f.write(block)
    chunk = 4 << 20
    tracemalloc.start()
    total = 0
    longest = 0
    for text in read_text_file(path, chunk_size=chunk):
        total += len(text)
        longest = max(longest, len(text))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == 100 << 20
    assert longest <= 2 * chunk
    assert peak < 8 * chunk  # a small multiple of the chunk, not of the line


def test_gzip_text_and_truncated_gzip(tmp_path):
    path = tmp_path / "a.txt.gz"
    text = "compressed corpus text\n" * 1000
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(text)
    assert "".join(iter_corpus(str(path))) == text
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(path.read_bytes()[:60])
    with pytest.raises(InputError, match="cut.txt.gz.*truncated"):
        list(iter_corpus(str(cut)))


def test_jsonl_field(tmp_path):
    path = tmp_path / "a.jsonl"
    rows = [{"text": "first doc", "id": 1}, {"text": "second\ndoc", "id": 2}, {"text": None}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert list(read_jsonl(path)) == ["first doc", "second\ndoc"]
    other = tmp_path / "b.jsonl.gz"
    with gzip.open(other, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"content": "zipped"}) + "\n")
    assert list(iter_corpus([str(other)], text_field="content")) == ["zipped"]


def test_jsonl_errors(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok"}\n{"body": "no text"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a.jsonl: line 2: no field 'text' \(fields: 'body'\)"):
        list(read_jsonl(path))
    path.write_text('{"text": "ok"}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: field 'text' is int"):
        list(read_jsonl(path))
    path.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: invalid JSON"):
        list(read_jsonl(path))
    path.write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    with pytest.raises(InputError, match="byte 25"):
        list(read_jsonl(path))


def test_parquet_column_missing_column_and_truncation(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "a.parquet"
    texts = [f"row number {i}" for i in range(20_000)]
    pq.write_table(pa.table({"text": texts + [None], "n": list(range(20_001))}), path)
    assert list(read_parquet(path)) == texts
    with pytest.raises(InputError, match="no column 'body'"):
        list(read_parquet(path, "body"))
    with pytest.raises(InputError, match="column 'n' holds int64, not strings"):
        list(read_parquet(path, "n"))
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputError, match="broken.parquet: not a readable Parquet file"):
        list(iter_corpus(str(broken)))


def test_iterables_and_path_detection(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("from a file\n", encoding="utf-8")
    assert list(iter_corpus(["plain text", str(path), path])) == ["plain text", "from a file\n",
                                                                  "from a file\n"]
    assert list(iter_corpus(t for t in ["x", "y"])) == ["x", "y"]
    with pytest.raises(InputError, match="missing.txt: no such corpus file"):
        list(iter_corpus([str(tmp_path / "missing.txt")]))
    with pytest.raises(InputError, match="corpus item 1 is int"):
        list(iter_corpus(["ok", 3]))
    with pytest.raises(InputError, match="not bytes"):
        list(iter_corpus(b"raw bytes"))
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not a corpus file", encoding="utf-8")
    with pytest.raises(InputError, match="empty: no corpus files"):
        list(iter_corpus(str(empty)))


def test_a_directory_is_its_corpus_files_in_order(tmp_path, monkeypatch):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.jsonl").write_text('{"text": "second"}\n', encoding="utf-8")
    (tmp_path / "1.txt").write_text("first", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "README.md").write_text("readme", encoding="utf-8")
    with gzip.open(tmp_path / "b" / "3.txt.gz", "wt", encoding="utf-8") as f:
        f.write("third")
    assert list(iter_corpus(tmp_path)) == ["first", "second", "third"]
    assert list(iter_corpus(["x", str(tmp_path)])) == ["x", "first", "second", "third"]
    # a bare name of an existing directory in a list of texts stays a text
    monkeypatch.chdir(tmp_path)
    assert list(iter_corpus(["b", ".", "b/"])) == ["b", ".", "second", "third"]

    from tokensmith.corpus import iter_parts
    from tokensmith.distributed.work_units import iter_units

    assert [t for t, _ in iter_parts(str(tmp_path))] == ["first", "second", "third"]
    assert [u.path for u in iter_units([tmp_path])] == [str(tmp_path / "1.txt"),
                                                        str(tmp_path / "b" / "2.jsonl"),
                                                        str(tmp_path / "b" / "3.txt.gz")]
