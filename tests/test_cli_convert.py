"""``tokensmith convert`` and the output checks of ``tokensmith train``: real sub-processes,
one-line errors, the output path and format checked before any work."""

import json
import subprocess
import sys

import pytest

import tokensmith


def cli(*args):
    return subprocess.run([sys.executable, "-m", "tokensmith", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def one_line_error(done, fragment):
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in done.stderr, done.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, ntrex_files):
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    picks = [f for f in ntrex_files if f.name.endswith(("src.eng.txt", "deu.txt", "rus.txt"))]
    path.write_text("\n".join(line for f in picks for line in f.read_text(encoding="utf-8").splitlines()[:200]),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def native(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("tok") / "bpe.json"
    tokensmith.train(corpus, vocab_size=500, pattern="gpt2", special_tokens=["<|endoftext|>"],
                     progress=False).save(path)
    return path


def test_convert_to_every_format_and_back(native, corpus, tmp_path):
    ours = tokensmith.load(native)
    text = corpus.read_text(encoding="utf-8")[:20_000]
    for fmt, out in (("hf", tmp_path / "tokenizer.json"), ("hf", f"{tmp_path}/folder/"),
                     ("gpt2", tmp_path / "gpt2"), ("tiktoken", tmp_path / "t.tiktoken"),
                     ("native", tmp_path / "again.json")):
        done = cli("convert", native, out, "--format", fmt)
        assert done.returncode == 0, done.stderr
        options = {"pattern": "gpt2"} if fmt == "tiktoken" else {}
        assert tokensmith.load(out, **options).encode(text) == ours.encode(text), fmt
    assert (tmp_path / "folder" / "tokenizer_config.json").is_file()
    # And from a folder to a file.
    done = cli("convert", tmp_path / "folder", tmp_path / "from_folder.json", "--format", "native")
    assert done.returncode == 0, done.stderr
    assert tokensmith.load(tmp_path / "from_folder.json").encode(text) == ours.encode(text)


def test_convert_roles(native, tmp_path):
    done = cli("convert", native, f"{tmp_path}/", "--format", "hf", "--role", "pad=<|endoftext|>",
               "--role", "eos=", "--model-max-length", "1024")
    assert done.returncode == 0, done.stderr
    config = json.loads((tmp_path / "tokenizer_config.json").read_text())
    assert config["pad_token"] == "<|endoftext|>" and "eos_token" not in config
    assert config["model_max_length"] == 1024


def test_convert_checks_output_before_reading(tmp_path):
    missing = tmp_path / "missing.json"  # never read: the output is wrong first
    one_line_error(cli("convert", missing, tmp_path / "x.json", "--format", "nope"), "unknown output format 'nope'")
    one_line_error(cli("convert", missing, tmp_path, "--format", "native"), "is a directory")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(cli("convert", missing, blocker / "x.json", "--format", "native"), "is not a directory")
    one_line_error(cli("convert", missing, tmp_path / "x.json", "--format", "native"), "no such file")


def test_convert_refuses_what_the_format_cannot_hold(corpus, tmp_path):
    scaffold = tmp_path / "scaffold.json"
    tokensmith.train(corpus, method="scaffold_bpe", vocab_size=400, progress=False).save(scaffold)
    one_line_error(cli("convert", scaffold, tmp_path / "out.json", "--format", "hf"), "cannot hold")
    assert not (tmp_path / "out.json").exists()
    for fmt, out in (("tiktoken", tmp_path / "x.tiktoken"), ("hf", tmp_path / "x.json")):
        one_line_error(cli("convert", tmp_path / "missing.json", out, "--format", fmt, "--role", "eos=</s>"),
                       "--format hf with a folder")


def test_train_checks_output_before_training(corpus, tmp_path):
    # A corpus that does not exist would fail later: these must fail on the output first.
    missing = tmp_path / "no-corpus.txt"
    one_line_error(cli("train", missing, "--vocab-size", "300", "-o", tmp_path), "is a directory")
    one_line_error(cli("train", missing, "--vocab-size", "300", "-o", tmp_path / "t.json", "--format", "bin"),
                   "unknown output format 'bin'")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(cli("train", missing, "--vocab-size", "300", "-o", blocker / "t.json"), "is not a directory")


def test_train_to_an_hf_folder_and_rescue_of_a_refused_format(corpus, tmp_path):
    done = cli("train", corpus, "--vocab-size", "400", "--format", "hf", "-o", f"{tmp_path / 'hf'}/", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "hf" / "tokenizer.json").is_file() and "bytes" in done.stdout
    out = tmp_path / "pp.tiktoken"
    done = cli("train", corpus, "--vocab-size", "400", "--method", "pathpiece", "--format", "tiktoken",
               "-o", out, "--quiet")
    one_line_error(done, "cannot hold")
    assert not out.exists()
    rescued = tmp_path / "pp.tiktoken.native.json"
    assert str(rescued) in done.stderr and tokensmith.load(rescued).vocab_size == 400


def test_unigram_vocabulary_too_small_names_the_size_asked(corpus, tmp_path):
    done = cli("train", corpus, "--vocab-size", "10", "--method", "unigram", "-o", tmp_path / "u.json", "--quiet")
    one_line_error(done, "vocabulary size 10 ")
