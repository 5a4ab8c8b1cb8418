"""The report renders what the measures computed, in HTML, Markdown, JSON and the terminal, and
the HTML page renders in a real headless browser without console errors."""

from __future__ import annotations

import json
import re

import pytest

from tokensmith.errors import OptionError
from tokensmith.metrics import evaluate
from tokensmith.report import as_data, render_html, render_markdown, render_terminal, write_report

GOLD = "walked\twalk ed\nunhappiness\tun happi ness\ncats\tcat s\n"


@pytest.fixture(scope="module")
def data(tokenizer_files, ntrex_dir, english_sample, tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    corpus = root / "english.txt"
    corpus.write_text(english_sample[:100_000], encoding="utf-8")
    gold = root / "gold.tsv"
    gold.write_text(GOLD, encoding="utf-8")
    specs = [f"r50k={tokenizer_files / 'r50k_base.tiktoken'}", f"cl100k={tokenizer_files / 'cl100k_base.tiktoken'}"]
    evaluation = evaluate(specs, corpus=[corpus], parallel=ntrex_dir, gold=gold, progress=False,
                          languages=["fra", "deu", "rus", "jpn", "hin", "zho-CN"], max_parallel_lines=100)
    return as_data(evaluation)


def test_every_measure_reaches_every_format(data, tmp_path):
    paths = write_report(data, tmp_path / "out")
    html = open(paths["html"], encoding="utf-8").read()
    md = open(paths["markdown"], encoding="utf-8").read()
    back = json.load(open(paths["json"], encoding="utf-8"))
    assert back["tokenizers"][0]["compression"] == data["tokenizers"][0]["compression"]
    cl = data["tokenizers"][1]
    bpt = f"{cl['compression']['bytes_per_token']:.2f}"
    for text in (html, md, render_terminal(data)):
        assert bpt in text and "cl100k" in text
    for section in ("Compression", "Parity across languages", "Vocabulary audit", "Morphological alignment",
                    "Numbers, dates and times", "Token length"):
        assert section in html and section in md
    premium = next(lang for lang in cl["parity"]["languages"] if lang["code"] == "jpn")["premium"]
    assert f"{premium:.2f}" in md and "Japanese (jpn)" in html
    # self-contained: no external resource of any kind
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "<script" not in html and "@import" not in html


def test_renders_without_results_of_optional_inputs(data):
    bare = json.loads(json.dumps(data))
    for t in bare["tokenizers"]:
        t["parity"] = t["compression"] = t["morphology"] = t["renyi"] = t["vocab_use"] = None
    html = render_html(bare)
    assert "Parity across languages" not in html and "<svg" in html  # lengths still plotted
    assert "Premium per language" not in render_markdown(bare)


def test_output_path_that_is_a_file(data, tmp_path):
    target = tmp_path / "report"
    target.write_text("x")
    with pytest.raises(OptionError, match="not a directory"):
        write_report(data, target)


def test_console_check_catches_errors(tmp_path, browser):
    """The browser check itself works: a page with a script error is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>notDefined()</script></body></html>")
    _, console = browser(page.as_uri(), tmp_path)
    assert any("notDefined" in line for line in console)


def test_html_renders_in_chromium_with_plots(data, tmp_path, browser):
    paths = write_report(data, tmp_path / "out")
    dom, console = browser("file://" + paths["html"], tmp_path)
    assert console == []
    charts = re.findall(r'<svg class="chart".*?</svg>', dom, flags=re.S)
    labels = [re.search(r'aria-label="([^"]+)"', c).group(1) for c in charts]
    for wanted in ("premium per language", "mean premium by script", "token length in corpus use",
                   "token length in vocabulary", "Bytes per token ↑"):
        assert wanted in labels, labels
    premium_chart = charts[labels.index("premium per language")]
    assert premium_chart.count("<circle") == 2 * 6      # 2 tokenizers x 6 languages
    assert all(c.count("<rect") + c.count("<circle") > 0 for c in charts)


def test_best_cell_ties_on_what_is_shown():
    from tokensmith.report.tables import best_index

    assert best_index([1.0, 0.9996, 0.5], "high", ["100.0%", "100.0%", "50.0%"]) == {0, 1}
    assert best_index([3, 1, 1], "low") == {1, 2}
    assert best_index([3, None], "low") == {0} and best_index([3], "low") == set()
