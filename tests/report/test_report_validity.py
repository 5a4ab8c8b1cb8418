"""Numbers that rest on lost text are shown but never ranked: T5 (whole Amharic, Thai and Khmer
words become one <unk>) against cl100k (byte-level), BERT's WordPiece (no whitespace tokens), on
NTREX lines, in every format."""

from __future__ import annotations

import json
import re

import pytest

from tokensmith.metrics import evaluate
from tokensmith.report import as_data, render_html, render_markdown, render_terminal, write_report

LANGS = ["amh", "tha", "khm", "fra", "deu"]


@pytest.fixture(scope="module")
def data(tokenizer_files, ntrex_dir, english_sample, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("inputs") / "english.txt"
    corpus.write_text(english_sample[:30_000], encoding="utf-8")
    specs = [f"t5={tokenizer_files / 't5_small_tokenizer.json'}",
             f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}",
             f"bert={tokenizer_files / 'bert_base_cased_vocab.txt'}"]
    evaluation = evaluate(specs, corpus=[corpus], parallel=ntrex_dir, languages=LANGS,
                          max_parallel_lines=50, audit=False, progress=False)
    return as_data(evaluation)


def _row(text: str, label: str) -> list[str]:
    """The cells of the terminal row starting with ``label``."""
    line = next(line for line in text.splitlines() if line.startswith(label))
    return re.split(r"\s{2,}", line[len(label):].strip())


def test_t5_is_not_starred_on_premiums_it_measured_over_fewer_languages(data):
    t5 = data["tokenizers"][0]["parity"]
    assert sorted(t5["invalid"]) == ["amh", "khm", "tha"]
    assert t5["summarised"] == 2
    text = render_terminal(data)
    for label in ("median premium", "worst premium"):
        t5_cell, cl_cell, bert_cell = _row(text, label)
        assert t5_cell.endswith("†") and "*" not in t5_cell, (label, t5_cell)
        assert cl_cell.endswith("*"), (label, cl_cell)
    invalid = _row(text, "INVALID (> 10% unknown tokens)")
    assert invalid[0] == "amh, khm, tha" and invalid[1] == "none"
    assert "left out of the tokenizer's aggregates" in text


def test_markdown_marks_invalid_languages_and_never_bolds_them(data):
    md = render_markdown(data)
    t5 = {lang["code"]: lang for lang in data["tokenizers"][0]["parity"]["languages"]}
    share = f"{100 * t5['tha']['unknown_share']:.1f}%"
    assert f"| Thai (tha) | Thai | INVALID ({share} unknown) | " in md
    assert "## Unknown tokens and exact round trips per language" in md
    assert re.search(r"\| median premium \| [\d.]+ † \| \*\*[\d.]+\*\* \|", md)
    assert "**INVALID" not in md and "† **" not in md and "**1.52 †**" not in md
    assert "INVALID: more than 10% of the tokens are unknown (t5: 3 of 5" in md


def test_html_marks_invalid_languages_in_tables_and_plots(data):
    html = render_html(data)
    parity = html[html.index('<section id="parity">'):html.index("</section>", html.index('<section id="parity">'))]
    chart = re.search(r'<svg class="chart" role="img" aria-label="premium per language".*?</svg>', parity, re.S).group(0)
    results = data["tokenizers"]
    valid = sum(lang["valid"] for r in results for lang in r["parity"]["languages"])
    invalid = sum(not lang["valid"] for r in results for lang in r["parity"]["languages"])
    assert chart.count("<circle") == valid and chart.count('<g class="cross"') == invalid > 0
    assert "Thai (tha) · t5: INVALID" in chart and ">INVALID</text>" in chart
    # the aggregates of t5 are shown, marked, and never the best cell
    row = re.search(r"<tr><td>worst premium</td>(.*?)</tr>", parity).group(1)
    cells = re.findall(r"<td( class=best)?>(.*?)</td>", row)
    assert cells[0] == ("", f"{results[0]['parity']['max_premium']:.2f} †")
    assert cells[1][0] == " class=best"
    assert 'class="note"' in parity and "class=invalid>INVALID<br>" in parity
    # the glance panel does not make t5 the bold best either
    panel = re.search(r'aria-label="Worst premium over English ↓".*?</svg>', html, re.S).group(0)
    bold = re.findall(r'font-weight="700">([^<]*)<', panel)
    assert bold == [f"{results[1]['parity']['max_premium']:.2f}"]


def test_whitespace_free_tokenizers_are_noted_and_not_ranked_on_bytes_per_token(data, english_sample):
    t5, cl, bert = (r["compression"] for r in data["tokenizers"])
    assert (t5["encodes_whitespace"], cl["encodes_whitespace"], bert["encodes_whitespace"]) == (False, True, False)
    text = english_sample[:30_000]
    assert bert["whitespace_share"] == pytest.approx(
        sum(text.encode().count(c) for c in b" \t\n\r\x0b\x0c") / len(text.encode()))
    from tokensmith.report.tables import build_tables

    table = next(t for t in build_tables(data) if t.key == "compression")
    k = [row[0] for row in table.rows].index("bytes / token")
    assert table.raw[k] == [None, cl["bytes_per_token"], None]  # shown, but out of the ranking
    terminal = render_terminal(data)
    t5_cell, cl_cell, bert_cell = _row(terminal, "bytes / token")
    assert bert_cell.endswith("‡") and "*" not in bert_cell and cl_cell.endswith("*")
    for page in (terminal, render_markdown(data), render_html(data)):
        assert "t5 and bert emit no whitespace tokens (WordPiece drops whitespace" in " ".join(page.split())


def test_report_with_invalid_languages_renders_in_chromium(data, tmp_path, browser):
    paths = write_report(data, tmp_path / "out")
    assert json.load(open(paths["json"]))["tokenizers"][0]["parity"]["invalid"] == ["amh", "khm", "tha"]
    dom, console = browser("file://" + paths["html"], tmp_path)
    assert console == []
    assert dom.count('<g class="cross"') >= 3 and "Unknown tokens and exact round trips per language" in dom
