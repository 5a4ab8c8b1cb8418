"""``tokensmith eval`` and ``tokensmith compare``: real sub-processes, reports, one-line errors."""

import json
import subprocess
import sys

import pytest

import tokensmith


def cli(*args):
    return subprocess.run([sys.executable, "-m", "tokensmith", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, english_sample):
    root = tmp_path_factory.mktemp("cli_inputs")
    (root / "corpus.txt").write_text(english_sample[:40_000], encoding="utf-8")
    par = root / "parallel"
    par.mkdir()
    (par / "newstest2019-src.eng.txt").write_text("The cat sat.\nIt rained all day.\n", encoding="utf-8")
    (par / "newstest2019-ref.deu.txt").write_text("Die Katze saß.\nEs regnete den ganzen Tag.\n", encoding="utf-8")
    (par / "newstest2019-ref.rus.txt").write_text("Кошка сидела.\nВесь день шёл дождь.\n", encoding="utf-8")
    (root / "gold.tsv").write_text("walked\twalk ed\ncats\tcat s\n", encoding="utf-8")
    return root


def test_eval_prints_table_and_writes_report(inputs, tokenizer_files, tmp_path):
    tok = tokenizer_files / "r50k_base.tiktoken"
    done = cli("eval", f"gpt2={tok}", "--corpus", inputs / "corpus.txt", "--no-audit", "-o", tmp_path / "r")
    assert done.returncode == 0, done.stderr
    assert "bytes / token" in done.stdout and "gpt2" in done.stdout
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert [t["name"] for t in results["tokenizers"]] == ["gpt2"]
    assert results["tokenizers"][0]["audit"] is None
    assert (tmp_path / "r" / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_compare_two_tokenizers(inputs, tokenizer_files, tmp_path):
    done = cli("compare", f"r50k={tokenizer_files / 'r50k_base.tiktoken'}",
               f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}", "--corpus", inputs / "corpus.txt",
               "--parallel", inputs / "parallel", "--gold", inputs / "gold.tsv", "--no-audit",
               "-o", tmp_path / "r")
    assert done.returncode == 0, done.stderr
    assert "median premium" in done.stdout and "boundary F1" in done.stdout
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    cl = results["tokenizers"][1]
    ref = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    eng = len(ref.encode("The cat sat.")) + len(ref.encode("It rained all day."))
    rus = len(ref.encode("Кошка сидела.")) + len(ref.encode("Весь день шёл дождь."))
    assert next(x for x in cl["parity"]["languages"] if x["code"] == "rus")["premium"] == pytest.approx(rus / eng)
    assert {lang["code"] for lang in cl["parity"]["languages"]} == {"deu", "rus"}
    assert (tmp_path / "r" / "report.md").read_text().count("| rus | Cyrillic |") == 1  # no LANGUAGES.tsv: codes


@pytest.mark.parametrize("case, fragment", [
    ("misaligned", "newstest2019-ref.deu.txt: misaligned: 1 lines but the pivot"),
    ("no_pivot", "pivot language 'eng' missing"),
    ("empty_corpus", "empty.txt: corpus is empty"),
    ("bad_tokenizer", "garbage.tiktoken: "),
    ("missing_tokenizer", "nope.tiktoken: no such file"),
    ("same_names", "two tokenizers share a name"),
])
def test_bad_input_gives_one_line_error(case, fragment, inputs, tokenizer_files, tmp_path):
    good = f"r50k={tokenizer_files / 'r50k_base.tiktoken'}"
    par = tmp_path / "par"
    par.mkdir()
    for f in (inputs / "parallel").iterdir():
        (par / f.name).write_bytes(f.read_bytes())
    args = ["compare", good, "--corpus", inputs / "corpus.txt", "--no-audit"]
    if case == "misaligned":
        (par / "newstest2019-ref.deu.txt").write_text("Nur eine Zeile.\n")
        args += ["--parallel", par]
    elif case == "no_pivot":
        (par / "newstest2019-src.eng.txt").unlink()
        args += ["--parallel", par]
    elif case == "empty_corpus":
        (tmp_path / "empty.txt").write_text("")
        args = ["compare", good, "--corpus", tmp_path / "empty.txt"]
    elif case == "bad_tokenizer":
        (tmp_path / "garbage.tiktoken").write_bytes(b"\x00\xffnot base64 at all\n")
        args[1] = tmp_path / "garbage.tiktoken"
    elif case == "missing_tokenizer":
        args[1] = tmp_path / "nope.tiktoken"
    elif case == "same_names":
        args.insert(2, good)
    done = cli(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tokensmith compare: error: "), done.stderr
    assert fragment in lines[0]


def test_compare_reads_jsonl_and_takes_the_papers_options(inputs, tokenizer_files, tmp_path):
    """--text-field reads a JSON Lines corpus as training does (only the text counts);
    --parity-mode joined is the paper's premium; --renyi-normalize observed divides by the
    distinct tokens seen."""
    texts = inputs.joinpath("corpus.txt").read_text(encoding="utf-8").split("\n\n")[:40]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"body": t, "n": k}) + "\n" for k, t in enumerate(texts)), encoding="utf-8")
    done = cli("compare", f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}",
               f"r50k={tokenizer_files / 'r50k_base.tiktoken'}", "--corpus", corpus, "--text-field", "body",
               "--parallel", inputs / "parallel", "--parity-mode", "joined", "--renyi-normalize", "observed",
               "--no-audit", "-o", tmp_path / "r")
    assert done.returncode == 0, done.stderr
    assert "observed types" in done.stdout
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    cl = results["tokenizers"][0]
    ref = tokensmith.load(tokenizer_files / "cl100k_base.tiktoken")
    assert cl["compression"]["n_bytes"] == sum(len(t.encode("utf-8")) for t in texts)
    assert cl["compression"]["n_tokens"] == sum(len(ref.encode(t)) for t in texts)
    assert cl["parity"]["mode"] == "joined" and results["inputs"]["parity_mode"] == "joined"
    eng = len(ref.encode("The cat sat. It rained all day."))
    rus = len(ref.encode("Кошка сидела. Весь день шёл дождь."))
    assert next(x for x in cl["parity"]["languages"] if x["code"] == "rus")["premium"] == pytest.approx(rus / eng)
    assert cl["renyi"]["normalize"] == "observed" and cl["renyi"]["vocab_size"] == cl["renyi"]["observed_types"]
    wrong = cli("eval", f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}", "--corpus", corpus, "--no-audit")
    assert wrong.returncode == 2 and "c.jsonl: line 1: no field 'text'" in wrong.stderr
