"""Work units without Ray: byte ranges cover a file exactly, cut only at safe places, and the
summed counts of the units equal the local backend's counts."""

from __future__ import annotations

import json
import string
import sys
from collections import Counter

import pytest

from tokensmith.corpus import read_jsonl
from tokensmith.distributed import require_ray
from tokensmith.distributed.counting import count_unit, merge_counts
from tokensmith.distributed.work_units import FileUnit, RangeUnit, TextsUnit, iter_units, unit_texts
from tokensmith.errors import InputError, OptionError
from tokensmith.pre_tokenizers.patterns import resolve_pattern
from tokensmith.models.bpe.trainer import count_corpus, make_counter


@pytest.fixture(scope="module")
def english_file(english_sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "english.txt"
    path.write_text(english_sample, encoding="utf-8")
    return path


def local_counts(corpus, pattern="cl100k"):
    regex_string, compiled = resolve_pattern(pattern)
    counter = make_counter(compiled, regex_string)
    count_corpus(counter, corpus, 2, progress=False, errors="strict", text_field="text")
    return counter.counts()


def visible(byte: int) -> bool:
    return 0x21 <= byte < 0x7F


def letter(byte: int) -> bool:
    return chr(byte) in string.ascii_letters


def test_ranges_cover_the_file_and_cut_at_safe_places(english_file):
    data = english_file.read_bytes()
    units = list(iter_units(str(english_file), range_bytes=150_000))
    assert len(units) > 8 and all(isinstance(u, RangeUnit) for u in units)
    assert units[0].start == 0 and units[-1].end == len(data)
    for a, b in zip(units, units[1:]):
        assert a.end == b.start
        cut = a.end
        at_line_start = data[cut - 1:cut] == b"\n" and letter(data[cut]) and visible(data[cut - 2])
        before_word = data[cut:cut + 1] == b" " and letter(data[cut + 1]) and visible(data[cut - 1])
        assert at_line_start or before_word, data[cut - 5:cut + 5]
    assert b"".join(b"".join(unit_texts(u, errors="strict", text_field="text")) for u in units) == data


@pytest.mark.parametrize("pattern", ["cl100k", "gpt2", "o200k", r"\w+|\s+|[^\w\s]+"])
def test_summed_unit_counts_equal_local_counts(english_file, pattern):
    regex_string, compiled = resolve_pattern(pattern)
    units = list(iter_units(str(english_file), range_bytes=200_000))
    tables = [count_unit(u, compiled, regex_string, "strict", "text") for u in units]
    assert merge_counts(*tables) == local_counts(str(english_file), pattern)


def test_jsonl_ranges_give_the_records(tmp_path, english_sample):
    records = [english_sample[i:i + 700] for i in range(0, 300_000, 700)]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"text": r, "n": 1}) + "\n" for r in records), encoding="utf-8")
    units = list(iter_units(str(path), range_bytes=40_000))
    assert len(units) > 5
    got = [t for u in units for t in unit_texts(u, errors="strict", text_field="text")]
    assert got == records == list(read_jsonl(path))


def test_mixed_corpus_units(tmp_path):
    gz = tmp_path / "a.txt.gz"
    import gzip

    gz.write_bytes(gzip.compress(b"compressed text"))
    units = list(iter_units(["one text", str(gz), "another"], texts_chars=5))
    assert units == [TextsUnit(("one text",)), FileUnit(str(gz)), TextsUnit(("another",))]
    with pytest.raises(InputError, match="corpus item 1 is int"):
        list(iter_units(["x", 3]))


def test_invalid_utf8_in_a_range_names_file_and_absolute_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Some words here. " * 20_000 + b"\xc3\x28 broken" + b" More words." * 1000)
    units = list(iter_units(str(path), range_bytes=60_000))
    with pytest.raises(InputError) as info:
        for unit in units:
            count_unit(unit, "cl100k", None, "strict", "text")
    assert info.value.path == str(path) and info.value.offset == 17 * 20_000


def test_missing_ray_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(OptionError, match=r"pip install 'tokensmith\[ray\]'"):
        require_ray()
