"""The README's main job runs offline on the embedded corpus and produces reloadable files."""

import subprocess
import sys

import pytest

import tokensmith
from tokensmith.demo import embedded_corpus, train_and_held_out


def test_embedded_corpus_is_real_english():
    text = embedded_corpus()
    assert len(text) > 1_500_000
    assert text.count(" the ") > 10_000


def test_demo_command(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run([sys.executable, "-m", "tokensmith", "demo", "-o", str(out), "--quiet",
                           "--vocab-size", "2048"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "bpe" in done.stdout
    tok = tokensmith.load(out / "bpe.json")
    hf = tokensmith.load(out / "bpe.tokenizer.json")
    _, held_out = train_and_held_out(embedded_corpus())
    assert tok.vocab_size == 2048
    assert hf.encode(held_out[:20000]) == tok.encode(held_out[:20000])
    # Bytes per token printed is the real held-out figure.
    printed = float(done.stdout.splitlines()[1].split()[3])
    assert abs(printed - len(held_out.encode()) / len(tok.encode(held_out))) < 1e-3
    # One tokenizer per vocabulary family, each reloading, compared in one report.
    for family, model in (("unigram", "UnigramModel"), ("wordpiece", "WordPieceModel")):
        other = tokensmith.load(out / f"{family}.json")
        assert type(other.model).__name__ == model and other.vocab_size == 2048
        assert family in done.stdout
    # Every family's HF file reads in HF tokenizers itself as in tokensmith.
    tokenizers = pytest.importorskip("tokenizers")
    for family in ("bpe", "unigram", "wordpiece"):
        ours = tokensmith.load(out / f"{family}.json")
        theirs = tokenizers.Tokenizer.from_file(str(out / f"{family}.tokenizer.json"))
        assert theirs.encode(held_out[:20000], add_special_tokens=False).ids == ours.encode(held_out[:20000])
    report = (out / "report" / "report.html").read_text(encoding="utf-8")
    assert all(name in report for name in ("bpe", "unigram", "wordpiece"))
    assert "bytes / token" in done.stdout and "report.html" in done.stdout
