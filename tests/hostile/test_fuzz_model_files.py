"""Damaged tokenizer files either load or fail with a TokensmithError naming the file.

Every parser gets real files (cut small, see hostile_seeds) damaged by hypothesis
(hostile_mutations): truncated, bytes flipped, invalid UTF-8 and NULs, wrong JSON types in any
field, deep nesting, huge and non-finite numbers, negative and duplicate ids, empty vocabularies.
``tokensmith.load`` must then return a tokenizer that encodes and decodes, or raise a
:class:`TokensmithError` whose message names the file: never another exception, a crash or a
hang. Runs are deterministic (``derandomize``) and bounded; ``HOSTILE_EXAMPLES`` raises the bound
for a longer search (tools/sanitize.sh runs them under AddressSanitizer).
"""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_mutations as mutate
import hostile_seeds as seeds
import tokensmith
from tokensmith.errors import InputError, TokensmithError

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
HANG_SECONDS = 60  # one load and encode of a small file; far longer is a hang

TEXT = ("Hello, world! The quick brown fox — ünïcödé, 日本語のテキスト, emoji 🙂, tabs\tand  spaces\n"
        "<s> </s> <unk> [CLS] [UNK] <|endoftext|> \u2581x <0x41> 12345 \x00 \ufffd")


def check(files: dict[str, bytes], **options) -> None:
    """Write ``files``, load the first: a tokenizer that works, or a TokensmithError naming a file."""
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=sys.__stderr__)  # pytest may own sys.stderr
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
                paths.append(str(Path(tmp) / name))
            try:
                tok = tokensmith.load(paths[0], **options)
            except TokensmithError as exc:
                assert any(p in str(exc) for p in paths), f"error does not name the file: {exc}"
                return
            # a file that loads must work: malformed data fails at load, not at encode time
            try:
                ids = tok.encode(TEXT, disallowed_special=())
            except InputError:  # a vocabulary with no unknown token and no byte fallback
                return
            tok.decode(ids)
            assert tok.encode_batch([TEXT, ""], num_threads=2, disallowed_special=()) == [ids, []]
            assert all(0 <= i < tok.vocab_size for i in ids)
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def seed(request, tokenizer_files):
    make = getattr(seeds, request.param)
    built = seeds.Seed(make(tokenizer_files))
    check(built)  # the undamaged seed loads
    return built


@pytest.fixture(scope="module")
def native_seed(request, tokenizer_files, tmp_path_factory):
    built = getattr(seeds, request.param)(tokenizer_files)
    return seeds.Seed(seeds.native(built, tmp_path_factory.mktemp("native")))


ALL = ["sentencepiece_bpe", "sentencepiece_unigram", "wordpiece", "gpt2", "tiktoken", "hf_bpe", "hf_unigram",
       "gguf"]
JSON = ["hf_bpe", "hf_unigram"]
LINES = ["wordpiece", "tiktoken"]
SENTENCEPIECE = ["sentencepiece_bpe", "sentencepiece_unigram"]
NATIVE = ["sentencepiece_bpe", "sentencepiece_unigram", "wordpiece", "gpt2", "tiktoken"]


def _options(files: dict[str, bytes]) -> dict:
    return {"pattern": "gpt2"} if next(iter(files)).endswith(".tiktoken") else {}


def _replace(files: dict[str, bytes], name: str, data: bytes) -> dict[str, bytes]:
    return {**files, name: data}


@pytest.mark.parametrize("seed", ALL, indirect=True)
@FUZZ
@given(data=st.data())
def test_damaged_bytes(seed, data):
    name = data.draw(st.sampled_from(list(seed)))
    keep = 4 if name.endswith(".gguf") else 0  # past the magic that tells the format
    check(_replace(seed, name, data.draw(mutate.damaged_bytes(seed[name], keep))), **_options(seed))


@pytest.mark.parametrize("seed", LINES + ["gpt2"], indirect=True)
@FUZZ
@given(data=st.data())
def test_damaged_lines(seed, data):
    name = [n for n in seed if not n.endswith(".json")][0]
    check(_replace(seed, name, data.draw(mutate.damaged_lines(seed[name]))), **_options(seed))


@pytest.mark.parametrize("seed", JSON + ["gpt2"], indirect=True)
@FUZZ
@given(data=st.data())
def test_damaged_json(seed, data):
    name = [n for n in seed if n.endswith(".json")][0]
    check(_replace(seed, name, data.draw(mutate.damaged_json(seed[name]))))


@pytest.mark.parametrize("native_seed", NATIVE, indirect=True)
@FUZZ
@given(data=st.data())
def test_damaged_native(native_seed, data):
    damage = mutate.damaged_json if data.draw(st.integers(0, 3)) else mutate.damaged_bytes
    check({"native.json": data.draw(damage(native_seed["native.json"]))})


@pytest.mark.parametrize("seed", SENTENCEPIECE, indirect=True)
@FUZZ
@given(data=st.data())
def test_damaged_model_proto(seed, data):
    name = next(iter(seed))
    check({name: data.draw(mutate.damaged_model_proto(seed[name]))})
