"""The measures read a corpus as training reads it: only the text of each JSON Lines record,
Parquet column, gzip file or directory counts, never the container's syntax."""

from __future__ import annotations

import gzip
import json

import pytest

from tokensmith.errors import InputError
from tokensmith.metrics import evaluate
from tokensmith.metrics.corpus import read_corpus

LINES = 60


@pytest.fixture(scope="module")
def texts(ntrex_dir):
    """Real sentences in three scripts, one per record."""
    out = []
    for code in ("eng", "rus", "hin"):
        name = "src" if code == "eng" else "ref"
        out += (ntrex_dir / f"newstest2019-{name}.{code}.txt").read_text(encoding="utf-8").split("\n")[:LINES // 3]
    return out


def _jsonl(path, texts, field="text"):
    rows = [json.dumps({"id": k, field: t, "meta": {"source": "ntrex"}}, ensure_ascii=False) for k, t in enumerate(texts)]
    data = ("\n".join(rows) + "\n").encode("utf-8")
    if str(path).endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def test_jsonl_measures_the_text_field_only(tmp_path, texts, tokenizer_files, tiktoken_encodings):
    path = _jsonl(tmp_path / "c.jsonl", texts)
    result = evaluate([f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}"], corpus=[path],
                      audit=False, progress=False)
    comp = result.get("cl100k").compression
    enc = tiktoken_encodings["cl100k"]
    assert comp.n_bytes == sum(len(t.encode("utf-8")) for t in texts)
    assert comp.n_chars == sum(len(t) for t in texts)
    assert comp.n_tokens == sum(len(enc.encode_ordinary(t)) for t in texts)
    assert comp.n_words == sum(len(t.split()) for t in texts)
    assert result.inputs["corpus"] == [str(path)] and result.inputs["corpus_bytes"] == comp.n_bytes


def test_every_reader_gives_the_same_texts(tmp_path, texts, reference):
    """JSONL, gzip JSONL with another field, Parquet and a directory: one text each, as training."""
    pa, pq = reference("pyarrow"), reference("pyarrow.parquet")

    expected = "".join(texts)
    assert "".join(read_corpus([_jsonl(tmp_path / "a.jsonl", texts)])) == expected
    gz = _jsonl(tmp_path / "b.jsonl.gz", texts, field="content")
    assert "".join(read_corpus(gz, text_field="content")) == expected
    pq.write_table(pa.table({"body": texts, "n": list(range(len(texts)))}), tmp_path / "c.parquet")
    assert "".join(read_corpus([tmp_path / "c.parquet"], text_field="body")) == expected
    folder = tmp_path / "dir"
    folder.mkdir()
    _jsonl(folder / "1.jsonl", texts[:10])
    (folder / "2.txt").write_text("\n".join(texts[10:]), encoding="utf-8")
    assert "".join(read_corpus([folder])) == "".join(texts[:10]) + "\n".join(texts[10:])
    # records are never joined into one block
    assert len(read_corpus([tmp_path / "a.jsonl"])) == len(texts)


def test_jsonl_errors_name_the_file_and_line(tmp_path, texts):
    path = _jsonl(tmp_path / "c.jsonl", texts, field="content")
    with pytest.raises(InputError, match=r"c.jsonl: line 1: no field 'text' \(fields: 'id', 'content', 'meta'\)"):
        read_corpus([path])
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"text": "  "}\n', encoding="utf-8")
    with pytest.raises(InputError, match="empty.jsonl: corpus is empty"):
        read_corpus([empty])
