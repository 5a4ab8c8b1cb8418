"""encode_corpus: shards decode back to the documents, ids match tiktoken, dtype choice,
determinism across workers, atomic output and clear errors on bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokensmith.dataset import encode_corpus, iter_documents, load_index
from tokensmith.errors import InputError, OptionError
from tokensmith.formats import load
from tokensmith.formats.atomic import TEMP_MARKER
from tokensmith.tokenizer import Tokenizer

EOT = "<|endoftext|>"


@pytest.fixture(scope="module")
def gpt2(tokenizer_files) -> Tokenizer:
    base = load(tokenizer_files / "r50k_base.tiktoken", pattern="gpt2")
    return Tokenizer(base.model, base.splitter, special_tokens={EOT: 50256}, name="r50k_base")


@pytest.fixture(scope="module")
def reference(tokenizer_files):
    tiktoken = pytest.importorskip("tiktoken")
    from tiktoken.load import load_tiktoken_bpe

    ranks = load_tiktoken_bpe(str(tokenizer_files / "r50k_base.tiktoken"))
    pattern = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
    return tiktoken.Encoding("r50k", pat_str=pattern, mergeable_ranks=ranks,
                             special_tokens={EOT: 50256})


@pytest.fixture(scope="module")
def many_scripts(ntrex_files) -> list[str]:
    """Documents in many scripts: 12 lines from each of 24 NTREX languages."""
    docs = []
    for path in ntrex_files[::6][:24]:
        docs.extend(path.read_text(encoding="utf-8").splitlines()[:12])
    return docs


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_shards_decode_back_and_match_tiktoken(gpt2, reference, many_scripts, tmp_path):
    index = encode_corpus(gpt2, many_scripts, tmp_path / "out", shard_tokens=1000,
                          append_eot=EOT, num_workers=2)
    assert index["documents"] == len(many_scripts)
    assert len(index["shards"]) > 3 and all(s["tokens"] == 1000 for s in index["shards"][:-1])
    assert index["dtype"] == "uint16" and index["eot"] == {"token": EOT, "id": 50256}
    docs = list(iter_documents(tmp_path / "out"))
    assert [gpt2.decode(d.tolist(), errors="strict") for d in docs] == many_scripts
    assert [d.tolist() for d in docs] == [reference.encode_ordinary(t) for t in many_scripts]
    # The stream is the documents' ids, each followed by the EOT.
    stream = np.concatenate([np.load(tmp_path / "out" / s["file"]) for s in index["shards"]])
    expected = [i for t in many_scripts for i in reference.encode_ordinary(t) + [50256]]
    assert stream.tolist() == expected and index["tokens"] == len(expected)


def test_jsonl_and_text_file_documents(gpt2, reference, english_sample, tmp_path):
    jsonl = tmp_path / "docs.jsonl"
    records = ["first record", "", "third <|endoftext|> record: special text stays plain text"]
    jsonl.write_text("".join(json.dumps({"text": t}) + "\n" for t in records), encoding="utf-8")
    book = tmp_path / "book.txt"
    book.write_text(english_sample, encoding="utf-8")  # 2 MB: read in several chunks
    encode_corpus(gpt2, [str(jsonl), str(book)], tmp_path / "out", shard_tokens=100_000)
    docs = [d.tolist() for d in iter_documents(tmp_path / "out")]
    assert len(docs) == 4
    assert docs[:3] == [reference.encode_ordinary(t) for t in records]
    assert docs[3] == reference.encode_ordinary(english_sample)  # chunked = whole text


def test_dtype_choice(gpt2, tokenizer_files, tmp_path):
    encode_corpus(gpt2, ["a b c"], tmp_path / "a")
    assert np.load(tmp_path / "a" / "shard_00000.npy").dtype == np.uint16
    cl100k = load(tokenizer_files / "cl100k_base.tiktoken", pattern="cl100k")
    index = encode_corpus(cl100k, ["a b c", "Ωμέγα 100277"], tmp_path / "b")
    assert index["dtype"] == "uint32"
    shard = np.load(tmp_path / "b" / "shard_00000.npy")
    assert shard.dtype == np.uint32
    assert shard.tolist() == cl100k.encode("a b c") + cl100k.encode("Ωμέγα 100277")
    encode_corpus(gpt2, ["a b c"], tmp_path / "c", dtype="uint32")
    assert np.load(tmp_path / "c" / "shard_00000.npy").dtype == np.uint32
    with pytest.raises(OptionError, match="uint16"):
        encode_corpus(cl100k, ["x"], tmp_path / "d", dtype="uint16")


def test_same_bytes_for_any_number_of_workers(gpt2, many_scripts, english_sample, tmp_path):
    corpus = many_scripts + [english_sample[:600_000]] + many_scripts[::-1]
    outputs = []
    for workers in (1, 2, 3):
        out = tmp_path / f"w{workers}"
        encode_corpus(gpt2, corpus, out, shard_tokens=20_000, append_eot=EOT, num_workers=workers)
        outputs.append(files_of(out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) > 5


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),
                     min_size=1, max_size=8).filter(lambda d: any(d)),
       shard_tokens=st.integers(1, 30), eot=st.booleans())
def test_round_trip(gpt2, tmp_path, docs, shard_tokens, eot):
    out = tmp_path / "rt"
    encode_corpus(gpt2, docs, out, shard_tokens=shard_tokens, append_eot=EOT if eot else None,
                  overwrite=True)
    assert [gpt2.decode(d.tolist(), errors="strict") for d in iter_documents(out)] == docs
    assert load_index(out)["documents"] == len(docs)


# -- bad input ------------------------------------------------------------------------------------

def no_dataset_left(directory: Path) -> bool:
    return not directory.exists() or not [p for p in os.listdir(directory)
                                          if p.endswith((".npy", ".json")) or TEMP_MARKER in p]


def test_empty_corpus(gpt2, tmp_path):
    with pytest.raises(InputError, match="empty"):
        encode_corpus(gpt2, [], tmp_path / "a")
    with pytest.raises(InputError, match="hold no text"):
        encode_corpus(gpt2, ["", ""], tmp_path / "b", append_eot=EOT)
    assert no_dataset_left(tmp_path / "a") and no_dataset_left(tmp_path / "b")


def test_unwritable_output_directory(gpt2, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write to the output directory") as info:
        encode_corpus(gpt2, ["text"], blocker / "out")
    assert str(blocker / "out") in str(info.value)


def test_invalid_utf8_names_file_and_offset(gpt2, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"good text " * 1000 + b"\xff\xfe broken")
    with pytest.raises(InputError) as info:
        encode_corpus(gpt2, [str(bad)], tmp_path / "out", shard_tokens=10)
    assert info.value.path == str(bad) and info.value.offset == 10_000
    assert "invalid UTF-8" in str(info.value)
    assert no_dataset_left(tmp_path / "out")


def test_failure_midway_removes_written_shards(gpt2, tmp_path):
    def documents():
        for i in range(200):
            yield f"document number {i} with a few words"
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        encode_corpus(gpt2, documents(), tmp_path / "out", shard_tokens=50)
    assert no_dataset_left(tmp_path / "out")


def test_interrupted_run_leaves_no_directory_it_created(gpt2, tmp_path):
    def documents():
        for i in range(200):
            yield f"document number {i} with a few words"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode_corpus(gpt2, documents(), tmp_path / "new" / "out", shard_tokens=50)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "kept").mkdir()  # a directory that was there before stays
    with pytest.raises(InputError, match="empty"):
        encode_corpus(gpt2, [], tmp_path / "kept")
    assert [p.name for p in tmp_path.iterdir()] == ["kept"] and list((tmp_path / "kept").iterdir()) == []


def test_refuses_to_mix_with_an_earlier_dataset(gpt2, tmp_path):
    encode_corpus(gpt2, ["one two three four"], tmp_path / "out", shard_tokens=2)
    with pytest.raises(InputError, match="already holds"):
        encode_corpus(gpt2, ["x"], tmp_path / "out")
    index = encode_corpus(gpt2, ["x"], tmp_path / "out", overwrite=True)
    assert sorted(os.listdir(tmp_path / "out")) == ["document_ends.npy", "index.json",
                                                     "shard_00000.npy"]
    assert index["tokens"] == 1


def test_bad_options(gpt2, tmp_path):
    with pytest.raises(OptionError, match="not a special token"):
        encode_corpus(gpt2, ["x"], tmp_path / "o", append_eot="<eos>")
    with pytest.raises(OptionError, match="shard_tokens"):
        encode_corpus(gpt2, ["x"], tmp_path / "o", shard_tokens=0)
    with pytest.raises(OptionError, match="backend"):
        encode_corpus(gpt2, ["x"], tmp_path / "o", backend="spark")
    with pytest.raises(OptionError, match="dtype"):
        encode_corpus(gpt2, ["x"], tmp_path / "o", dtype="int8")


def test_cli(gpt2, tokenizer_files, tmp_path, capsys):
    from tokensmith.cli.main import main

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "Hello there"}\n{"text": "General Kenobi"}\n', encoding="utf-8")
    tok = tmp_path / "gpt2.json"
    gpt2.save(tok)
    assert main(["encode-dataset", str(tok), str(corpus), "-o", str(tmp_path / "out"),
                 "--eot", EOT]) == 0
    tokens = len(gpt2.encode("Hello there")) + len(gpt2.encode("General Kenobi")) + 2
    assert json.loads(capsys.readouterr().out) == {"documents": 2, "tokens": tokens,
                                                   "dtype": "uint16", "shards": 1}
    assert main(["encode-dataset", str(tok), str(tmp_path / "missing.txt"), "-o",
                 str(tmp_path / "o2")]) == 2
    assert "missing.txt" in capsys.readouterr().err
