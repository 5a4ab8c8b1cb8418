"""The HTML report: one self-contained page (inline CSS and SVG; no script, font or network)."""

from __future__ import annotations

import statistics
from html import escape

from . import svg, validity
from .tables import (Table, best_index, build_tables, fidelity_cell, language_rows, lossless, num, pct,
                     premium_cell)

CSS = """
:root { --ink:#1d2433; --muted:#5f6b7a; --line:#e3e7ee; --band:#f6f8fb; --card:#ffffff;
        --bg:#f2f4f8; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header { background: linear-gradient(120deg, #0b3d62, #0072B2 60%, #3a9bd5); color:#fff;
         padding: 28px 40px 22px; }
header h1 { margin:0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header p { margin: 0; opacity: .85; font-size: 14px; }
nav { position: sticky; top: 0; z-index: 2; background: rgba(255,255,255,.94);
      border-bottom: 1px solid var(--line); padding: 8px 40px; font-size: 14px; }
nav a { color: var(--muted); text-decoration: none; margin-right: 18px; }
nav a:hover { color: var(--accent); }
main { max-width: 1120px; margin: 0 auto; padding: 22px 28px 60px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
          padding: 20px 24px; margin: 18px 0; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
h2 { font-size: 19px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; color: var(--muted); font-weight: 600; }
.lede { color: var(--muted); margin: 0 0 12px; font-size: 14px; }
.legend { display:flex; flex-wrap: wrap; gap: 12px; margin-top: 4px; }
.tok { display:flex; align-items:center; gap:10px; background: var(--card); border:1px solid var(--line);
       border-radius: 10px; padding: 10px 14px; flex: 1 1 0; min-width: 190px; }
.tok b { font-size: 15px; }
.tok small { color: var(--muted); display:block; font-size: 12px; }
.swatch { width: 14px; height: 14px; border-radius: 4px; flex: none; }
.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 8px 22px; }
.panel h3 { margin-top: 8px; }
svg.chart { max-width: 100%; height: auto; display:block; }
svg .label { font-size: 12px; fill: var(--ink); }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .value { font-size: 12px; fill: var(--ink); }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: #9aa4b2; stroke-width: 1; }
svg .band { fill: var(--band); }
svg .span { stroke: #b8c0cc; stroke-width: 2; }
svg .reference { stroke: #d55e00; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg circle { stroke: #fff; stroke-width: 1; }
.key { display:flex; gap: 16px; font-size: 13px; color: var(--muted); margin: 2px 0 8px; }
.key span { display:inline-flex; align-items:center; gap:6px; }
.key i { width: 10px; height: 10px; border-radius: 50%; display:inline-block; }
table { table-layout: fixed; border-collapse: collapse; width: 100%; font-size: 14px; margin: 6px 0 4px;
        font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; color: var(--ink); width: 34%; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
tbody tr:hover { background: var(--band); }
td.best { font-weight: 700; color: #0b6b3a; }
td.invalid { color: #b3261e; font-weight: 600; font-size: 12.5px; }
p.note { color: var(--muted); font-size: 13px; margin: 6px 0 4px; padding: 8px 12px; background: var(--band);
         border-left: 3px solid #d55e00; border-radius: 4px; }
svg .invalid { fill: #b3261e; font-weight: 600; }
svg .cross line { stroke-width: 2; stroke-linecap: round; }
.scroll { overflow-x: auto; }
.digits { display:inline-flex; gap:2px; }
.digits span { display:inline-block; height: 14px; border-radius: 3px; opacity: .85; }
code, .mono { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.chips { display:flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 10px; }
.chip { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; background: var(--band);
        border: 1px solid var(--line); border-radius: 6px; padding: 1px 6px; white-space: pre; }
details summary { cursor: pointer; color: var(--muted); font-size: 14px; margin: 8px 0; }
footer { color: var(--muted); font-size: 13px; text-align: center; padding: 10px 0 30px; }
dl.defs dt { font-weight: 600; margin-top: 8px; }
dl.defs dd { margin: 2px 0 0 0; color: var(--muted); font-size: 14px; }
"""


def render_html(data: dict, title: str = "Tokenizer report") -> str:
    """The whole page for ``Evaluation.to_dict()``."""
    results = data["tokenizers"]
    tables = {t.key: t for t in build_tables(data)}
    colors = [svg.palette(i) for i in range(len(results))]
    parts = [_header(data, title), _nav(data), "<main>", _legend(results, colors),
             _glance(results, colors)]
    if any(r.get("parity") for r in results):
        parts.append(_parity(data, results, tables.get("parity")))
    if "compression" in tables:
        parts.append(_section("compression", "Compression",
                              "How much text one token carries. Per byte and per character, so "
                              "tokenizers with different vocabularies compare.",
                              _table_html(tables["compression"])))
    parts.append(_lengths(results, tables.get("lengths")))
    vocab_body = "".join(_table_html(tables[k]) for k in ("vocabulary", "audit") if k in tables)
    parts.append(_section("vocabulary", "Vocabulary",
                          "How evenly the vocabulary is used, and which entries can never be produced.",
                          vocab_body + _audit_examples(results)))
    parts.append(_numbers(results, tables.get("numbers"), colors))
    if "morphology" in tables:
        parts.append(_section("morphology", "Morphological alignment",
                              f"Token boundaries against the gold segmentation "
                              f"<code>{escape(str(data['inputs'].get('gold')))}</code> "
                              f"({data['inputs'].get('gold_words', 0):,} words).",
                              _table_html(tables["morphology"])))
    parts.append(_definitions(data))
    parts.append("</main>")
    parts.append(f"<footer>tokensmith {escape(str(data.get('version', '')))} · measured in "
                 f"{data.get('seconds', 0):.1f} s</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            + "".join(parts) + "</body></html>\n")


def _key(names, colors=None) -> str:
    """A colour key for the charts of a section."""
    colors = colors or [svg.palette(i) for i in range(len(names))]
    return '<div class="key">' + "".join(f'<span><i style="background:{c}"></i>{escape(n)}</span>'
                                         for n, c in zip(names, colors)) + "</div>"


def _section(key: str, title: str, lede: str, body: str) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2><p class="lede">{lede}</p>{body}</section>'


def _header(data: dict, title: str) -> str:
    inputs = data.get("inputs", {})
    bits = []
    if inputs.get("corpus"):
        names = ", ".join(p.rsplit("/", 1)[-1] for p in inputs["corpus"])
        bits.append(f"corpus {escape(names)} ({inputs.get('corpus_bytes', 0) / 1e6:.1f} MB)")
    if inputs.get("parallel"):
        bits.append(f"{inputs['languages']} languages × {inputs['parallel_lines']:,} parallel lines")
    if inputs.get("gold"):
        bits.append(f"{inputs['gold_words']:,} gold-segmented words")
    names = " · ".join(escape(r["name"]) for r in data["tokenizers"])
    return (f"<header><h1>{escape(title)}</h1><p>{names}</p>"
            f"<p>{' · '.join(bits) or 'vocabulary measures only'}</p></header>")


def _nav(data: dict) -> str:
    res = data["tokenizers"]
    links = [("glance", "At a glance")]
    if any(r.get("parity") for r in res):
        links.append(("parity", "Parity"))
    if any(r.get("compression") for r in res):
        links.append(("compression", "Compression"))
    links += [("lengths", "Token lengths"), ("vocabulary", "Vocabulary"), ("numbers", "Numbers")]
    if any(r.get("morphology") for r in res):
        links.append(("morphology", "Morphology"))
    links.append(("definitions", "Definitions"))
    return "<nav>" + "".join(f'<a href="#{k}">{v}</a>' for k, v in links) + "</nav>"


def _legend(results, colors) -> str:
    cards = []
    for r, color in zip(results, colors):
        extra = []
        if r.get("compression"):
            extra.append(f"{r['compression']['bytes_per_token']:.2f} bytes/token")
        if r.get("parity"):
            extra.append(_median_premium(r["parity"]))
        cards.append(f'<div class="tok"><span class="swatch" style="background:{color}"></span><div>'
                     f'<b>{escape(r["name"])}</b><small>{r["vocab_size"]:,} ids · {escape(r["backend"])}'
                     f'</small><small>{" · ".join(extra)}</small></div></div>')
    return '<div class="legend">' + "".join(cards) + "</div>"


def _median_premium(parity: dict) -> str:
    median = parity["median_premium"]
    text = "no valid language" if median is None else f"median premium {median:.2f}×"
    if parity.get("invalid"):
        text += f" ({parity['summarised']} of {len(parity['languages'])} languages)"
    return escape(text)


def _glance(results, colors) -> str:
    names = [r["name"] for r in results]
    panels = []
    marked = False

    def panel(title, getter, better, fmt=None, marks=None):
        nonlocal marked
        try:
            values = [getter(r) for r in results]
        except (TypeError, KeyError):
            return
        kwargs = {"fmt": fmt} if fmt else {}
        marked = marked or bool(marks)
        panels.append(f'<div class="panel"><h3>{title}</h3>'
                      + svg.bar_rows(list(zip(names, values)), label=title, colors=colors,
                                     higher_is_better=better, marks=marks, **kwargs) + "</div>")

    percent = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    aggregate = validity.parity_marks(results)
    panel("Bytes per token ↑", lambda r: r["compression"]["bytes_per_token"], True,
          marks=validity.compression_marks(results, whitespace=True))
    panel("Tokens per word ↓", lambda r: r["compression"]["tokens_per_word"], False,
          marks=validity.compression_marks(results))
    panel("Median premium over English ↓", lambda r: r["parity"]["median_premium"], False, marks=aggregate)
    panel("Worst premium over English ↓", lambda r: r["parity"]["max_premium"], False, marks=aggregate)
    panel("Rényi efficiency ↑", lambda r: r["renyi"]["efficiency"], True)
    panel("Vocabulary used by the corpus ↑", lambda r: r["vocab_use"]["used_share"], True, percent)
    panel("Consistency of digit splitting ↑", lambda r: r["numbers"]["consistency"], True, percent)
    panel("Unreachable vocabulary entries ↓", lambda r: r["audit"]["unreachable"], False,
          lambda v: f"{v:,.0f}")
    lede = "↑ higher is better, ↓ lower is better; the best value is bold."
    if marked:
        lede += (f" Values marked {validity.NOT_COMPARABLE} or {validity.NO_WHITESPACE} are not ranked: "
                 "they rest on lost text or fewer languages (see the notes under the tables).")
    return _section("glance", "At a glance", lede, '<div class="grid">' + "".join(panels) + "</div>")


def _parity(data, results, table: Table | None) -> str:
    with_parity = [r for r in results if r.get("parity")]
    names = [r["name"] for r in with_parity]
    languages = language_rows(with_parity)

    def value(entry):
        return entry["premium"] if entry is not None and entry.get("valid", True) else None

    def why(entry):
        return None if entry is None or entry.get("valid", True) else f"{pct(entry['unknown_share'])} unknown tokens"

    def mean_valid(row):
        values = [v for v in map(value, row.entries) if v]
        return statistics.fmean(values) if values else None

    # ranked languages worst first (mean over the tokenizers they are valid for), then the rest
    order = sorted(languages, key=lambda row: (mean_valid(row) is None, -(mean_valid(row) or 0), row.code))
    rows = [(row.label, [value(e) for e in row.entries]) for row in order]
    chart = svg.dot_plot(rows, names, label="premium per language",
                         invalid=[[why(e) for e in row.entries] for row in order])
    pivot = with_parity[0]["parity"]["pivot"]
    scripts: dict[str, list] = {}
    counts: dict[str, int] = {}
    for j, r in enumerate(with_parity):
        for s in r["parity"]["by_script"]:
            scripts.setdefault(s["script"], [None] * len(with_parity))[j] = s["mean_premium"]
            counts[s["script"]] = max(counts.get(s["script"], 0), s["languages"])
    script_rows = sorted(((f"{s} ({counts[s]})", v) for s, v in scripts.items()),
                         key=lambda kv: -statistics.fmean(x for x in kv[1] if x))
    body = _table_html(table) if table else ""
    if script_rows:
        body += ("<h3>Mean premium by script (number of valid languages)</h3>" + _key(names)
                 + svg.dot_plot(script_rows, names, label="mean premium by script", row_height=18))
    body += (f"<h3>Premium per language, worst first (dashed line: parity with {escape(pivot)}; "
             "× INVALID, not ranked)</h3>" + _key(names) + '<div class="scroll">' + chart + "</div>")
    body += _fidelity_table(order, names)
    mode = {r["parity"].get("mode", "lines") for r in with_parity}
    how = ("each language's lines joined with spaces into one text, as the paper computed it"
           if mode == {"joined"} else "each line encoded on its own")
    lede = ("Tokens needed for the same content as in English, on the line-aligned parallel corpus "
            f"(Petrov et al., 2023; {how}). 2× means twice the context, latency and cost; log scale. "
            f"A language with more than {validity.limit_of(with_parity):.0%} unknown tokens is INVALID for "
            "that tokenizer: shown, never ranked, left out of the aggregates.")
    return _section("parity", "Parity across languages", lede, body)


def _fidelity_table(languages, names) -> str:
    """Per language: unknown tokens, lines decoded exactly and the premium (or INVALID)."""
    if lossless(languages):
        return ('<p class="lede">No unknown token, and every line decodes back exactly '
                "(decode(encode(line)) == line), for every tokenizer and language.</p>")
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = []
    for row in languages:
        cells = []
        for e in row.entries:
            bad = e is not None and not e.get("valid", True)
            cells.append(f'<td{" class=invalid" if bad else ""}>{escape(premium_cell(e, why=False))}<br>'
                         f'<small>{escape(fidelity_cell(e))}</small></td>')
        body.append(f"<tr><td>{escape(row.label)}</td>{''.join(cells)}</tr>")
    return ("<details><summary>Unknown tokens and exact round trips per language</summary>"
            '<p class="lede">Premium (or INVALID), then the share of the tokens that are the unknown '
            "token · the share of the lines with decode(encode(line)) == line.</p>"
            f'<div class="scroll"><table><thead><tr><th>language</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div></details>")


def _lengths(results, table: Table | None) -> str:
    bins = results[0]["lengths"]["bins"]
    body = _key([r["name"] for r in results])
    if any(r["lengths"]["usage_mean"] for r in results):
        body += "<h3>Tokens of the corpus by length in bytes</h3>" + svg.grouped_columns(
            bins, [(r["name"], r["lengths"]["usage_share"]) for r in results], label="token length in corpus use")
    body += "<h3>Vocabulary entries by length in bytes</h3>" + svg.grouped_columns(
        bins, [(r["name"], r["lengths"]["vocab_share"]) for r in results], label="token length in vocabulary")
    if table:
        body += _table_html(table)
    return _section("lengths", "Token lengths", "Share of tokens per length (the last bin holds 16 bytes "
                    "and longer). Longer tokens in use mean better compression.", body)


def _digits(pattern: list[int], color: str) -> str:
    boxes = "".join(f'<span style="width:{9 * k}px;background:{color}" title="{k} digit'
                    f'{"s" if k > 1 else ""}"></span>' for k in pattern)
    return f'<span class="digits">{boxes}</span>'


def _numbers(results, table: Table | None, colors) -> str:
    rows = []
    for n in range(len(results[0]["numbers"]["by_length"])):
        cells = []
        for r, color in zip(results, colors):
            d = r["numbers"]["by_length"][n]
            cells.append(f'<td>{_digits(d["pattern"], color)} <span class="mono">{pct(d["consistency"])}</span></td>')
        rows.append(f"<tr><td>{n + 1} digits</td>{''.join(cells)}</tr>")
    head = "".join(f"<th>{escape(r['name'])}</th>" for r in results)
    grouping = (f'<div class="scroll"><table><thead><tr><th>number</th>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")
    body = (_table_html(table) if table else "") + \
        "<h3>Most common digit grouping by number length (share of numbers split that way)</h3>" + grouping
    lede = ("How digits are grouped into tokens, on seeded random numbers, dates and times "
            "(“The first step is the hardest”, Spathis &amp; Kawsar 2023). Consistent grouping "
            "lets a model line digits up.")
    return _section("numbers", "Numbers, dates and times", lede, body)


def _audit_examples(results) -> str:
    blocks = []
    for r in results:
        audit = r.get("audit")
        if not audit:
            continue
        lines = []
        for kind in ("unreachable", "undecodable", "fragmentary", "nfkc_variants", "case_variants"):
            items = audit["examples"].get(kind) or []
            if not items:
                continue
            chips = "".join(f'<span class="chip">{escape(_visible(x))}</span>' for x in items)
            lines.append(f"<h3>{kind.replace('_', ' ')}</h3><div class=\"chips\">{chips}</div>")
        if lines:
            blocks.append(f"<details><summary>Examples of audited entries: {escape(r['name'])}"
                          f"</summary>{''.join(lines)}</details>")
    return "".join(blocks)


def _visible(item) -> str:
    """Spaces and line breaks made visible in token examples."""
    if isinstance(item, list):
        return "  ·  ".join(map(_visible, item))
    return str(item).replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥").replace("\r", "␍")


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for cells, raw, better in zip(table.rows, table.raw, table.better):
        best = best_index(raw, better, cells[1:])
        tds = [f"<td>{escape(cells[0])}</td>"] + [
            f'<td{" class=best" if i in best else ""}>{escape(c)}</td>' for i, c in enumerate(cells[1:])]
        body.append("<tr>" + "".join(tds) + "</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return (f'<h3>{escape(table.title)}</h3><div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{note}")


def _definitions(data: dict) -> str:
    alpha = data.get("inputs", {}).get("alpha", 2.5)
    items = [
        ("bytes / token, characters / token", "UTF-8 bytes or Unicode characters of the corpus divided by its tokens."),
        ("tokens / word (fertility)", "tokens divided by whitespace-separated words; words split: share of words that more than one token covers."),
        ("premium", "tokens(language) / tokens(English) over the whole parallel corpus: each line encoded on its "
         "own (--parity-mode lines), or each language's lines joined with spaces into one text "
         "(--parity-mode joined, as Petrov et al. 2023 computed it)."),
        ("unknown tokens", "share of the tokens that are the tokenizer's unknown token (0 for byte-level "
         "vocabularies, which have none)."),
        ("decoded exactly", "share of the lines (or corpus texts) with decode(encode(x)) == x, with no allowance "
         "for the tokenizer's normalization: what it folds, drops or collapses is lost text too."),
        ("INVALID", f"a language with more than {validity.limit_of(data['tokenizers']):.0%} unknown tokens for a tokenizer (Petrov et al., 2023): shown, "
         "never ranked, and left out of that tokenizer's premium aggregates (median, worst, best, spread, by script)."),
        (f"Rényi efficiency (α = {alpha:g})", "H_α(p) / log |V| with H_α(p) = log(Σ p(t)^α) / (1 − α), p the unigram "
         "distribution of tokens on the corpus and |V| the text entries of the vocabulary, or with "
         "--renyi-normalize observed the distinct tokens observed, as the tokenization-scorer package "
         "(Zouhar et al., 2023)."),
        ("unreachable", "vocabulary entries whose own text, encoded alone or after a probe prefix, never gives them."),
        ("undecodable / fragmentary", "entries holding bytes that never occur in UTF-8 / pieces of a multi-byte character."),
        ("digit consistency", "share of numbers of each length split with the most common grouping, averaged over lengths 1–10."),
        ("boundary precision / recall", "token boundaries inside words against gold morph boundaries, micro-averaged."),
    ]
    body = '<dl class="defs">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items) + "</dl>"
    return _section("definitions", "Definitions", "What each number means.", body)


__all__ = ["render_html", "num", "pct"]
