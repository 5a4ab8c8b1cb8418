"""The command line: real sub-processes, one-line errors, non-zero exit codes."""

import json
import subprocess
import sys

import pytest

import tokensmith


def cli(*args, input=None):
    return subprocess.run([sys.executable, "-m", "tokensmith", *map(str, args)], input=input,
                          capture_output=True, text=True, timeout=600)


def test_encode_decode_info(tokenizer_files):
    path = tokenizer_files / "cl100k_base.tiktoken"
    text = "Hello world, héllo wörld 12345"
    done = cli("encode", path, "--text", text, "--json")
    assert done.returncode == 0, done.stderr
    ids = json.loads(done.stdout)
    assert ids == tokensmith.load(path).encode(text)
    back = cli("decode", path, *ids)
    assert back.returncode == 0 and back.stdout.rstrip("\n") == text
    info = cli("info", path)
    assert info.returncode == 0 and "100,277 ids" in info.stdout and "cl100k" in info.stdout


@pytest.mark.parametrize("args, fragment", [
    (["encode", "/nonexistent/tok.json", "--text", "x"], "no such file"),
    (["decode", "{tok}", "12", "nope"], "not a token id"),
    (["encode", "{tok}", "--text", "<|endoftext|>"], "special token"),
    (["decode", "{tok}", "999999999"], "out of range"),
])
def test_errors_are_one_line_and_non_zero(tokenizer_files, args, fragment):
    tok = str(tokenizer_files / "r50k_base.tiktoken")
    done = cli(*[a.replace("{tok}", tok) for a in args])
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in done.stderr


def test_encode_invalid_utf8_file_names_the_file_and_offset(tmp_path, tokenizer_files):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine text\n\xff\xfe broken")
    done = cli("encode", tokenizer_files / "r50k_base.tiktoken", bad)
    assert done.returncode == 2
    assert str(bad) in done.stderr and "byte 10" in done.stderr
