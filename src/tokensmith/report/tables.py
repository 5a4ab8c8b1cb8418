"""The report's tables as plain rows, shared by the HTML, Markdown and terminal renderers.

Each table is ``(title, headers, rows, better)``: ``rows`` hold display strings, ``better[i]`` says
whether a higher (``"high"``) or lower (``"low"``) raw value of row ``i`` is better (None: neither),
and ``raw`` keeps the numbers so renderers can mark the best cell. Nothing is computed here
beyond picking fields and formatting them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]                  # first column is the measure, then one per tokenizer
    rows: list[list[str]]
    raw: list[list[float | None]] = field(default_factory=list)
    better: list[str | None] = field(default_factory=list)
    note: str = ""


def num(v, digits: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return f"{int(v):,}"
    return f"{v:.{digits}f}"


def pct(v) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def _row(results, label, getter, fmt=num, better=None):
    values = []
    for r in results:
        try:
            values.append(getter(r))
        except (TypeError, KeyError):
            values.append(None)
    return label, [fmt(v) for v in values], values, better


def _table(key, title, results, specs, note="") -> Table | None:
    rows = [_row(results, *spec) for spec in specs]
    rows = [r for r in rows if any(v is not None for v in r[2])]
    if not rows:
        return None
    return Table(key, title, ["measure"] + [r["name"] for r in results],
                 [[label] + cells for label, cells, _, _ in rows],
                 [values for _, _, values, _ in rows], [b for _, _, _, b in rows], note)


def build_tables(data: dict) -> list[Table]:
    """All tables of an evaluation (``Evaluation.to_dict()``) that have data."""
    res = data["tokenizers"]
    c = lambda k: (lambda r: r["compression"][k])  # noqa: E731
    p = lambda k: (lambda r: r["parity"][k])  # noqa: E731
    v = lambda k: (lambda r: r["vocab_use"][k])  # noqa: E731
    a = lambda k: (lambda r: r["audit"][k])  # noqa: E731
    m = lambda k: (lambda r: r["morphology"][k])  # noqa: E731
    n = lambda k: (lambda r: r["numbers"][k])  # noqa: E731
    alpha = data.get("inputs", {}).get("alpha", 2.5)
    tables = [
        _table("overview", "Tokenizers", res, [
            ("backend", lambda r: r["backend"], str),
            ("vocabulary size", lambda r: r["vocab_size"], num),
        ]),
        _table("compression", "Compression", res, [
            ("bytes / token", c("bytes_per_token"), num, "high"),
            ("characters / token", c("chars_per_token"), num, "high"),
            ("tokens / word (fertility)", c("tokens_per_word"), num, "low"),
            # none of the words could be placed (normalizing tokenizers): not measured, not 0%
            ("words split into >1 token", lambda r: r["compression"]["split_word_share"]
             if r["compression"]["words_checked"] else None, pct, "low"),
            ("tokens", c("n_tokens"), num),
            ("texts not aligned", c("unaligned_texts"), num),
        ]),
        _table("parity", "Parity across languages (premium = tokens / English tokens)", res, [
            ("median premium", p("median_premium"), num, "low"),
            ("worst premium", p("max_premium"), num, "low"),
            ("best premium", p("min_premium"), num, "low"),
            ("spread (worst / best)", p("spread"), num, "low"),
            ("languages at ≥ 2× English", p("share_above_2"), pct, "low"),
            ("worst languages", lambda r: ", ".join(r["parity"]["worst"]), str),
        ]),
        _table("vocabulary", "Vocabulary use and Rényi efficiency", res, [
            (f"Rényi efficiency (α = {alpha:g})", lambda r: r["renyi"]["efficiency"], num, "high"),
            ("Shannon efficiency", lambda r: r["renyi"]["shannon_efficiency"], num, "high"),
            (f"H_{alpha:g} (bits)", lambda r: r["renyi"]["entropy_bits"], num),
            ("vocabulary used", v("used_share"), pct, "high"),
            ("tokens never produced", v("never_produced"), num, "low"),
            ("distinct tokens used per MB", v("used_per_mb"), lambda x: "–" if x is None else f"{x:,.0f}"),
        ]),
        _table("audit", "Vocabulary audit", res, [
            ("control tokens", a("control"), num),
            ("unreachable", a("unreachable"), num, "low"),
            ("unreachable share of text entries", a("unreachable_share"), pct, "low"),
            ("undecodable bytes", a("undecodable"), num, "low"),
            ("fragmentary (part of a character)", a("fragmentary"), num),
            ("exact duplicates", a("exact_duplicates"), num, "low"),
            ("leading-space variants", a("space_variants"), num),
            ("case variants", a("case_variants"), num),
            ("NFKC look-alikes", a("nfkc_variants"), num),
            ("whitespace-only", a("whitespace_only"), num),
            ("with control characters", a("control_characters"), num),
        ]),
        _table("lengths", "Token length (bytes)", res, [
            ("mean length, vocabulary", lambda r: r["lengths"]["vocab_mean"], num),
            ("mean length, corpus use", lambda r: r["lengths"]["usage_mean"] or None, num, "high"),
        ]),
        _table("numbers", "Numbers, dates and times", res, [
            ("digit grouping", n("direction"), str),
            ("consistency of digit splitting", n("consistency"), pct, "high"),
            ("tokens per digit", n("tokens_per_digit"), num),
        ] + [(f"{d['format']}: tokens / char", (lambda i: lambda r: r["numbers"]["dates"][i]["tokens_per_char"])(i), num, "low")
             for i, d in enumerate(res[0]["numbers"]["dates"])] + [
            ("dates with no token across fields", lambda r: min(d["field_aligned"] for d in r["numbers"]["dates"]), pct, "high"),
        ]),
        _table("morphology", "Morphological alignment", res, [
            ("boundary precision", m("precision"), num, "high"),
            ("boundary recall", m("recall"), num, "high"),
            ("boundary F1", m("f1"), num, "high"),
            ("words segmented exactly", m("exact"), pct, "high"),
            ("tokens / word", m("tokens_per_word"), num),
            ("gold morphs / word", m("morphs_per_word"), num),
            ("words not aligned", m("unaligned"), num),
        ]),
    ]
    return [t for t in tables if t is not None]


def best_index(values: list[float | None], better: str | None, shown: list[str] | None = None) -> set[int]:
    """Columns holding the best value of a row; every column that *shows* the same text as the
    best ties with it. Empty with one tokenizer."""
    if better is None or len(values) < 2:
        return set()
    nums = [(i, x) for i, x in enumerate(values) if isinstance(x, (int, float))]
    if not nums:
        return set()
    target = (max if better == "high" else min)(nums, key=lambda ix: ix[1])
    if shown is None:
        return {i for i, x in nums if x == target[1]}
    return {i for i, _ in nums if shown[i] == shown[target[0]]}
