"""The patch, eqinfo, tfree and multihash commands: output, round trips, one-line errors."""

from __future__ import annotations

import json

import pytest

from tokensmith.cli.main import main
from tokensmith.vocabfree.tfree import TFree


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_patch_text_and_languages(capsys, ntrex_dir):
    code, out, _ = run(capsys, "patch", "--text", "The cat, sat.", "--rule", "space", "--json")
    assert code == 0 and json.loads(out) == ["The ", "cat,", " sat."]
    code, out, _ = run(capsys, "patch", "--parallel", ntrex_dir, "--languages", "deu,hin", "--rule", "entropy",
                       "--train-lines", 300, "--max-lines", 20, "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == {"eng", "deu", "hin"}
    assert all(r["texts"] == 20 and r["bytes"] / r["patches"] == pytest.approx(r["mean_length"]) for r in rows.values())


def test_eqinfo_round_trip(capsys, tmp_path, ntrex_dir):
    train = ntrex_dir / "newstest2019-src.eng.txt"
    code, out, _ = run(capsys, "eqinfo", "--text", "Hello, naïve world", "--train", train, "--token-bits", 8)
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(out)
    code, out, _ = run(capsys, "eqinfo", "--decode", tokens, "--train", train, "--token-bits", 8)
    assert code == 0 and out == "Hello, naïve world"


def test_tfree_and_multihash(capsys, tmp_path):
    code, out, _ = run(capsys, "tfree", "--text", "Hello World!", "--json")
    words = json.loads(out)
    assert code == 0 and [w for w, _ in words] == ["Hello", "World", "!"]
    assert words[0][1] == TFree().pattern("Hello").tolist()
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("house\nmouse\nhorse\nhello\n")
    ids = ",".join(map(str, TFree().pattern("horse")))
    code, out, _ = run(capsys, "tfree", "--decode", ids, "--dictionary", dictionary, "--json")
    assert code == 0 and json.loads(out)[0][0] == "horse"
    code, out, _ = run(capsys, "tfree", "--collisions", dictionary, "--json")
    assert code == 0 and json.loads(out)["words"] == 4
    code, out, _ = run(capsys, "multihash", "--text", "Hello I", "--json")
    items = json.loads(out)
    assert code == 0 and items[1]["SHAPE"]["value"] == "X" and len(items[0]["NORM"]["rows"]) == 4


@pytest.mark.parametrize("args, fragment", [
    (["patch", "--text", "x", "--threshold", "6"], "threshold must be in nats"),
    (["patch", "--text", "x", "--rule", "chunking", "--threshold", "2"], "boundary probability"),
    (["eqinfo", "--text", "x", "--window-bits", "10"], "window bits too small"),
    (["eqinfo", "--text", "1 2", "--decode"], "needs the model"),
    (["tfree", "--collisions", "{empty}"], "no word with a trigram"),
    (["tfree", "--decode", "1,2"], "needs --dictionary"),
    (["multihash", "--text", "x", "--rows", "1,2"], "row counts"),
])
def test_errors(capsys, tmp_path, args, fragment):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    code, _, err = run(capsys, *[a.replace("{empty}", str(empty)) for a in args])
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
