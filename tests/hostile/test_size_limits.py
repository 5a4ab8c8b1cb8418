"""Where data can outgrow an integer or memory, a clear error instead of silent truncation.

Each limit is tested by lowering it, not by building gigabytes: the Unigram trainer's 32-bit
positions, the compiled SentencePiece encoders' int positions within a piece (texts over 2 GiB),
and the JSON Lines record size (a 2 GB line was read whole, then MemoryError).
"""

from __future__ import annotations

import gzip
import json

import pytest

import tokensmith
from tokensmith.corpus import jsonl, read_jsonl
from tokensmith.errors import InputError
from tokensmith.models.unigram import trainer as unigram

WORDS = {"hello": 5, "world": 3, "tokens": 2, "unigram": 2, "suffix": 1}


def _compiled(name: str):
    return pytest.importorskip(f"tokensmith._core.{name}")


# -- Unigram trainer: positions are uint32 ---------------------------------------------------------
def test_trainer_refuses_more_positions_than_it_indexes(monkeypatch):
    # "▁hello" ... "▁suffix": 34 characters, and one end mark per word: 39 positions
    monkeypatch.setattr(unigram, "MAX_POSITIONS", 39)
    assert unigram.train_unigram_pieces(WORDS, 20)  # within the limit it trains
    monkeypatch.setattr(unigram, "MAX_POSITIONS", 38)
    with pytest.raises(InputError, match="distinct words hold 39 characters, more than the 38"):
        unigram.train_unigram_pieces(WORDS, 20)


def test_compiled_engine_checks_its_own_limit():
    """The kernel's own guard, for callers that skip the Python check."""
    compiled_unigram_train = _compiled("_unigram_train")
    words = ["\u2581" + w for w in WORDS]
    engine = compiled_unigram_train.Engine(words, [1.0] * len(words), {}, 16, 1)
    assert engine.num_segments == len(words)
    with pytest.raises(ValueError, match="more than 20 characters.*32-bit suffix array"):
        compiled_unigram_train.Engine(words, [1.0] * len(words), {}, 16, 1, max_positions=20)


# -- SentencePiece encoders: int positions within a piece ------------------------------------------
@pytest.fixture
def lowered_piece_limit():
    """Both compiled encoders refuse pieces over 64 bytes for the test's duration."""
    modules = [_compiled("_lattice"), _compiled("_spm_bpe")]
    olds = [m.set_max_piece_bytes(64) for m in modules]
    yield 64
    for module, old in zip(modules, olds):
        module.set_max_piece_bytes(old)


@pytest.mark.parametrize("name", ["llama2_tokenizer.model", "t5_small_tokenizer.json"])
def test_piece_longer_than_the_encoder_indexes(name, tokenizer_files, lowered_piece_limit):
    tok = tokensmith.load(tokenizer_files / name)
    short = tok.encode("a short text")
    long_word = "x" * 100  # one piece however the words are split
    with pytest.raises(ValueError, match="piece of 10[0-9] bytes is longer than the 64 bytes"):
        tok.encode(long_word)
    with pytest.raises(ValueError, match="longer than the 64 bytes"):
        tok.encode_batch(["fine"] * 40 + [long_word] + ["fine"] * 40, num_threads=2)
    assert tok.encode("a short text") == short  # the encoder still works afterwards


def test_lattice_entry_points_check_the_length(tokenizer_files, lowered_piece_limit):
    core = tokensmith.load(tokenizer_files / "t5_small_tokenizer.json").model.core
    assert core.viterbi(b"abc")
    for call in (lambda: core.viterbi(b"a" * 65),
                 lambda: core.nbest(b"a" * 65, 2), lambda: core.sample(b"a" * 65, 0.1, 1)):
        with pytest.raises(ValueError, match="65 bytes is longer than the 64"):
            call()


# -- JSON Lines records ----------------------------------------------------------------------------
def _jsonl(path, texts, opener=open):
    with opener(path, "wt", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}) + "\n")
    return path


@pytest.mark.parametrize("suffix, opener", [(".jsonl", open), (".jsonl.gz", gzip.open)])
def test_record_longer_than_the_limit(tmp_path, suffix, opener):
    path = _jsonl(tmp_path / f"c{suffix}", ["short", "y" * 500, "never read"], opener)
    assert list(read_jsonl(path, max_record_bytes=600)) == ["short", "y" * 500, "never read"]
    with pytest.raises(InputError, match=r"c\.jsonl.*: line 2: record longer than 100 bytes"):
        list(read_jsonl(path, max_record_bytes=100))


def test_record_of_exactly_the_limit(tmp_path):
    path = _jsonl(tmp_path / "c.jsonl", ["z" * 10])
    size = len(path.read_bytes()) - 1  # the record without its line break
    assert list(read_jsonl(path, max_record_bytes=size)) == ["z" * 10]
    with pytest.raises(InputError, match="line 1: record longer"):
        list(read_jsonl(path, max_record_bytes=size - 1))


def test_module_limit_applies_to_training_input(tmp_path, monkeypatch):
    path = _jsonl(tmp_path / "c.jsonl", ["fine text"] * 3 + ["w" * 5000])
    monkeypatch.setattr(jsonl, "MAX_RECORD_BYTES", 1000)
    with pytest.raises(InputError, match="line 4: record longer than 1,000 bytes"):
        tokensmith.train(path, method="bpe", vocab_size=300, progress=False)


def test_a_file_without_line_breaks_is_not_read_whole(tmp_path):
    path = tmp_path / "one_line.jsonl"
    path.write_bytes(b'{"text": "' + b"a" * 3_000_000 + b'"}')  # no newline at all

    class Counting:
        def __init__(self, f):
            self.f, self.read = f, 0

        def readline(self, size=-1):
            line = self.f.readline(size)
            self.read += len(line)
            return line

    with open(path, "rb") as f:
        counting = Counting(f)
        with pytest.raises(jsonl.RecordError):
            jsonl.read_record(counting, 1000)
        assert counting.read == 1001


@pytest.mark.parametrize("line, message", [
    ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),  # was RecursionError
    ('{"text": "a", "n": ' + "9" * 5000 + "}", "Exceeds the limit"),           # was ValueError
])
def test_hostile_json_records(tmp_path, line, message):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\n' + line + "\n")
    with pytest.raises(InputError, match=f"line 2: invalid JSON.*{message}"):
        list(read_jsonl(path))
