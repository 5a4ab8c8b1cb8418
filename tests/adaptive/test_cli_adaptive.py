"""``tokensmith adaptive`` (zip2zip, dynamic merges) and ``tokensmith extend`` on real files."""

from __future__ import annotations

import json

import pytest

import tokensmith
from tokensmith.adaptive import lzw_encode
from tokensmith.cli.main import main

sentencepiece = pytest.importorskip("sentencepiece")


@pytest.fixture(scope="module")
def german(tmp_path_factory, ntrex_dir):
    path = tmp_path_factory.mktemp("text") / "deu.txt"
    lines = (ntrex_dir / "newstest2019-ref.deu.txt").read_text(encoding="utf-8").split("\n")[:150]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_zip2zip_codes_round_trip_through_the_command_line(capsys, tmp_path, tokenizer_files, german):
    tok = tokenizer_files / "cl100k_base.tiktoken"
    code, out, _ = run(capsys, "adaptive", tok, german, "--method", "zip2zip", "--window", 256)
    assert code == 0
    windows = [[int(c) for c in line.split()] for line in out.splitlines()]
    ids = tokensmith.load(tok).encode(german.read_text(encoding="utf-8"))
    assert windows[0] == lzw_encode(ids[:256], initial_vocab_size=100277, max_codebook_size=1024, max_subtokens=4)
    (tmp_path / "codes.txt").write_text(out)
    code, text, _ = run(capsys, "adaptive", tok, tmp_path / "codes.txt", "--method", "zip2zip",
                        "--window", 256, "--decode")
    assert code == 0 and text == german.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "adaptive", tok, german, "--method", "zip2zip", "--json", "--max-subtokens", 3)
    document = json.loads(out)
    assert document["settings"]["max_subtokens"] == 3
    assert all(2 <= len(v) <= 3 for w in document["windows"] for v in w["codebook"].values())


def test_dynamic_merges_stats_and_errors(capsys, tokenizer_files, german):
    tok = tokenizer_files / "llama2_tokenizer.model"
    code, out, _ = run(capsys, "adaptive", tok, german, "--method", "dynamic", "--merges", 50, "--stats")
    assert code == 0 and "merges 50" in out and "reduction 0." in out
    code, _, err = run(capsys, "adaptive", tok, german, "--method", "zip2zip", "--max-subtokens", 1)
    assert code == 2 and "--max-subtokens must be at least 2" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "adaptive", tok, "--text", "1 2 x", "--method", "zip2zip", "--decode")
    assert code == 2 and "integer codes" in err


def test_extend_writes_the_input_format(capsys, tmp_path, tokenizer_files, german):
    out = tmp_path / "llama2_de.model"
    code, printed, _ = run(capsys, "extend", tokenizer_files / "llama2_tokenizer.model", german,
                           "--num-new-tokens", 40, "-o", out)
    assert code == 0 and "ids 32,000..32,039" in printed
    reference = sentencepiece.SentencePieceProcessor(model_file=str(out))
    assert reference.get_piece_size() == 32040
    assert any(i >= 32000 for i in reference.encode(german.read_text(encoding="utf-8")))
    code, _, err = run(capsys, "extend", tokenizer_files / "llama2_tokenizer.model", german,
                       "--num-new-tokens", 0, "-o", tmp_path / "x.model")
    assert code == 2 and "--num-new-tokens must be a positive int" in err
