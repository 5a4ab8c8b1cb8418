"""``tokensmith bits-per-byte``: a text file scored with an n-gram model trained on the spot."""

from __future__ import annotations

import json

from tokensmith.cli.main import main


def test_bits_per_byte_command(tmp_path, tiny_tokenizer, english, capsys):
    tokenizer = tmp_path / "tok.json"
    tiny_tokenizer.save(tokenizer)
    corpus, held = tmp_path / "corpus.txt", tmp_path / "held.txt"
    corpus.write_text("\n".join(english[:1500]) + "\n", encoding="utf-8")
    held.write_text("\n".join(english[-10:]) + "\n", encoding="utf-8")
    saved = tmp_path / "model.npz"
    assert main(["bits-per-byte", str(held), "--tokenizer", str(tokenizer), "--train-ngram", str(corpus),
                 "--order", "2", "--save-ngram", str(saved), "--all-covers", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["texts"] == 10 and first["bytes"] == len(held.read_bytes())
    assert 1.0 < first["byte_bpb"] <= first["token_bpb"] < 8
    assert first["all_covers_bpb"] <= first["token_bpb"]
    assert main(["bits-per-byte", str(held), "--tokenizer", str(tokenizer), "--ngram", str(saved), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert abs(again["byte_bpb"] - first["byte_bpb"]) < 1e-12
    # A file that is not a model: one line naming it, status 2.
    assert main(["bits-per-byte", str(held), "--tokenizer", str(tokenizer), "--ngram", str(held)]) == 2
    assert "held.txt: not an n-gram model file" in capsys.readouterr().err
