"""What a command-line user meets when training: typed -O options, errors naming the flags they
typed, method help, progress on stderr, and --help with every option and its default."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

import tokensmith
from tokensmith import progress as progress_module
from tokensmith.cli.main import build_parser, main
from tokensmith.errors import OptionError, command_line_spelling, spell
from tokensmith.trainers import TRAINERS, options_of
from tokensmith.trainers.option_types import parse
from tokensmith.trainers.options import own_specs, specs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, english_sample):
    path = tmp_path_factory.mktemp("cli") / "english.txt"
    path.write_text(english_sample[:60_000], encoding="utf-8")
    return path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(code, err) -> str:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# -- -O values parsed by the declared type ---------------------------------------------------------

def test_option_values_are_parsed_by_their_declared_type():
    superbpe, wordpiece, xlmv = (dict((s.name, s.type) for s in specs(options_of(m)))
                                 for m in ("superbpe", "wordpiece", "xlmv"))
    assert parse(superbpe["transition"], "350", "t") == 350
    assert parse(superbpe["transition"], "0.8", "t") == 0.8
    assert parse(superbpe["transition"], "auto", "t") == "auto"
    assert parse(superbpe["max_words"], "none", "m") is None
    assert parse(wordpiece["lowercase"], "false", "l") is False
    assert parse(wordpiece["strip_accents"], "None", "s") is None
    assert parse(wordpiece["special_tokens"], "[PAD],[UNK]", "s") == ["[PAD]", "[UNK]"]
    assert parse(wordpiece["special_tokens"], '["a,b", "c"]', "s") == ["a,b", "c"]
    assert parse(xlmv["allocation"], '{"0": 1, "1": 2.5}', "a") == {0: 1, 1: 2.5}
    with pytest.raises(OptionError, match="-O score must be one of 'frequency', 'likelihood', got 'bayes'"):
        parse(wordpiece["score"], "bayes", "-O score")
    with pytest.raises(OptionError, match="cannot be set on the command line"):
        parse(dict((s.name, s.type) for s in specs(options_of("bytespan")))["predictor"], "f", "p")


def test_typed_options_reach_the_trainer(corpus, tmp_path, capsys):
    out = tmp_path / "super.json"
    code, stdout, err = run(capsys, "train", corpus, "--method", "superbpe", "--vocab-size", 420, "-o", out,
                            "-O", "transition=350", "-O", "max-words=none", "--quiet")
    assert code == 0, err
    expected = tokensmith.train([corpus], method="superbpe", vocab_size=420, transition=350,
                                max_words=None, progress=False)
    assert json.dumps(tokensmith.load(out).to_dict()) == json.dumps(expected.to_dict())
    assert "trained superbpe with 420 tokens" in stdout and err == ""


# -- errors speak the command line's language ------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--method", "sage", "-O", "init-factor=abc"], "-O init-factor must be a number, got 'abc'"),
    (["--method", "sage", "-O", "init_factr=2"], "method 'sage' has no option -O init-factr (did you mean "
                                                 "-O init-factor?); its options: --vocab-size, --special"),
    (["--method", "wordpiece", "--pattern", "gpt2"], "--pattern does not apply to method 'wordpiece'"),
    (["--method", "sage", "-O", "pattern=gpt2", "--pattern", "gpt2"], "--pattern is given twice"),
    (["--method", "unigram", "-O", "character-coverage=2"], "-O character-coverage must be in (0, 1], got 2.0"),
    (["--method", "wordpiece", "--vocab-size", "10"], "--vocab-size 10 is smaller than the special tokens"),
    (["--method", "lib", "-O", "memorise=0"], "LiB needs 0 < -O memorise <= 1"),
])
def test_option_errors_name_the_flags(corpus, tmp_path, capsys, args, message):
    if "--vocab-size" not in args:
        args = args + ["--vocab-size", "400"]
    line = one_line_error(*run(capsys, "train", corpus, "-o", tmp_path / "t.json", *args)[::2])
    assert message in line


def test_corpus_errors_name_the_flags_on_the_command_line_and_the_arguments_in_python(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hello world\ncaf\xe9\n")
    records = tmp_path / "records.jsonl"
    records.write_text('{"body": "some text"}\n', encoding="utf-8")
    line = one_line_error(*run(capsys, "train", bad, "--vocab-size", 300, "-o", tmp_path / "t.json")[::2])
    assert "pass --errors replace or --errors ignore" in line and "errors=" not in line
    line = one_line_error(*run(capsys, "train", records, "--vocab-size", 300, "-o", tmp_path / "t.json")[::2])
    assert "choose one with --text-field FIELD" in line
    with pytest.raises(tokensmith.InputError, match="pass errors='replace' or errors='ignore'"):
        tokensmith.train(str(bad), vocab_size=300)
    with pytest.raises(tokensmith.InputError, match="choose one with text_field=FIELD"):
        tokensmith.train(str(records), method="unigram", vocab_size=300)


def test_eval_names_its_own_flags(tmp_path, capsys, tokenizer_files):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hello world\ncaf\xe9\n")
    line = one_line_error(*run(capsys, "eval", tokenizer_files / "r50k_base.tiktoken", "--corpus", bad,
                               "--no-audit", "--quiet")[::2])
    assert "--errors replace" in line


def test_spelling_is_only_that_of_the_running_command():
    with command_line_spelling({"text_field": "--text-field", "*": "-O {}"}):
        assert spell("text_field", placeholder="FIELD") == "--text-field FIELD"
        assert spell("max_words", 3) == "-O max-words=3"
    assert spell("text_field", placeholder="FIELD") == "text_field=FIELD"
    assert spell("errors", "replace") == "errors='replace'"


def test_small_corpus_warning_is_one_line(corpus, tmp_path, capsys):
    code, _, err = run(capsys, "train", corpus, "--method", "char_bpe", "--vocab-size", 30000, "-O", "max-chars=1",
                       "-o", tmp_path / "c.json", "--quiet")
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tokensmith train: warning: char_bpe: the corpus supports ")
    assert "fewer than --vocab-size 30000" in lines[0] and "lower --min-frequency" in lines[0]


# -- progress --------------------------------------------------------------------------------------

def test_progress_lines_in_logs_and_quiet(corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress_module, "MIN_SECONDS", 0.0)
    code, _, err = run(capsys, "train", corpus, "--vocab-size", 400, "-o", tmp_path / "a.json")
    assert code == 0
    assert [line.split(" done in ")[0] for line in err.splitlines()] == ["bpe: counting", "bpe: merges"]
    code, _, err = run(capsys, "train", corpus, "--vocab-size", 400, "-o", tmp_path / "b.json", "--quiet")
    assert code == 0 and err == ""


# -- help ------------------------------------------------------------------------------------------

def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


@pytest.mark.parametrize("command", list(subcommands()))
def test_help_shows_every_option_with_its_default(command):
    parser = subcommands()[command]
    text = parser.format_help()
    for action in parser._actions:
        assert action.help, f"{command} {action.option_strings or action.dest} has no help"
        if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS):
            shown = f"default: {action.default}" in " ".join(text.split())
            assert shown or "default" in action.help, (command, action.dest)  # or the help says it


def test_train_help_lists_the_methods_options():
    done = subprocess.run([sys.executable, "-m", "tokensmith", "train", "--method", "sage", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "method sage: Train SaGe" in done.stdout
    for spec in own_specs(options_of("sage")):
        flag = "--" + spec.name.replace("_", "-") if spec.name in ("pattern", "min_frequency") else \
            "-O " + spec.name.replace("_", "-") + "="
        assert flag in done.stdout, flag
    assert "(default: 2.0)" in done.stdout  # init_factor


def test_methods_command_lists_every_method(capsys):
    code, out, _ = run(capsys, "methods")
    assert code == 0
    for method in TRAINERS:
        assert f"\n{method}: " in out
    assert "-O transition={auto}|FLOAT|INT|none" in out and "predictor (Python only)" in out
    line = one_line_error(*run(capsys, "methods", "nope")[::2])
    assert "unknown training method 'nope'" in line
