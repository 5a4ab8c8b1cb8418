"""The report's tables as plain rows, shared by the HTML, Markdown and terminal renderers.

Each table is ``(title, headers, rows, better)``: ``rows`` hold display strings, ``better[i]`` says
whether a higher (``"high"``) or lower (``"low"``) raw value of row ``i`` is better (None: neither),
and ``raw`` keeps the numbers so renderers can mark the best cell (None: not ranked). Cells that
must not be ranked (:mod:`.validity`) show their value with a mark, have no raw value, and the
table's ``note`` says why. Nothing is computed here beyond picking fields and formatting them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..forensics.robustness import KINDS as ROBUSTNESS_KINDS
from . import validity


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


def _row(results, label, getter, fmt=num, better=None, marks=None):
    """``(label, cells, raw, better, has_data)``; cells in ``marks`` get the mark, no raw value."""
    values = []
    for r in results:
        try:
            values.append(getter(r))
        except (TypeError, KeyError):
            values.append(None)
    cells, raw = [fmt(v) for v in values], list(values)
    for i, mark in (marks or {}).items():
        if values[i] is not None:
            cells[i] = f"{cells[i]} {mark}"
            raw[i] = None
    return label, cells, raw, better, any(v is not None for v in values)


def _table(key, title, results, specs, note="") -> Table | None:
    rows = [row for row in (_row(results, *spec) for spec in specs) if row[4]]
    if not rows:
        return None
    return Table(key, title, ["measure"] + [r["name"] for r in results],
                 [[label] + cells for label, cells, *_ in rows],
                 [raw for _, _, raw, *_ in rows], [row[3] for row in rows], note)


def _codes(codes, shown: int = 4) -> str:
    if not codes:
        return "none"
    more = f" +{len(codes) - shown} more" if len(codes) > shown else ""
    return ", ".join(codes[:shown]) + more


def _parity_title(res) -> str:
    modes = {r["parity"].get("mode", "lines") for r in res if r.get("parity")}
    how = "each language's lines joined into one text" if modes == {"joined"} else "lines encoded one by one"
    return f"Parity across languages (premium = tokens / English tokens, {how})"


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
    observed = data.get("inputs", {}).get("renyi_normalize") == "observed"
    per_token = validity.compression_marks(res)
    per_byte = validity.compression_marks(res, whitespace=True)
    aggregate = validity.parity_marks(res)
    tables = [
        _table("overview", "Tokenizers", res, [
            ("backend", lambda r: r["backend"], str),
            ("vocabulary size", lambda r: r["vocab_size"], num),
        ]),
        _table("compression", "Compression", res, [
            ("bytes / token", c("bytes_per_token"), num, "high", per_byte),
            ("characters / token", c("chars_per_token"), num, "high", per_byte),
            ("tokens / word (fertility)", c("tokens_per_word"), num, "low", per_token),
            ("unknown tokens", c("unknown_share"), pct, "low"),
            ("texts decoded exactly", c("roundtrip_share"), pct, "high"),
            # none of the words could be placed (normalizing tokenizers): not measured, not 0%
            ("words split into >1 token", lambda r: r["compression"]["split_word_share"]
             if r["compression"]["words_checked"] else None, pct, "low"),
            ("tokens", c("n_tokens"), num),
            ("texts not aligned", c("unaligned_texts"), num),
        ], validity.compression_note(res)),
        _table("parity", _parity_title(res), res, [
            ("median premium", p("median_premium"), num, "low", aggregate),
            ("worst premium", p("max_premium"), num, "low", aggregate),
            ("best premium", p("min_premium"), num, "low", aggregate),
            ("spread (worst / best)", p("spread"), num, "low", aggregate),
            ("languages at ≥ 2× English", p("share_above_2"), pct, "low", aggregate),
            ("worst languages", lambda r: ", ".join(r["parity"]["worst"]) or "–", str),
            ("languages in the aggregates", lambda r: f"{r['parity']['summarised']} of "
             f"{len(r['parity']['languages'])}", str),
            (f"INVALID (> {validity.limit_of(res):.0%} unknown tokens)",
             lambda r: _codes(r["parity"]["invalid"]), str),
            ("unknown tokens, all languages", p("unknown_share"), pct, "low"),
            ("lines decoded exactly", p("roundtrip_share"), pct, "high"),
        ], validity.parity_note(res)),
        _table("vocabulary", "Vocabulary use and Rényi efficiency", res, [
            (f"Rényi efficiency (α = {alpha:g}{', observed types' if observed else ''})",
             lambda r: r["renyi"]["efficiency"], num, "high"),
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
        _table("robustness", "Robustness of segmentation (corpus words, seeded perturbations)", res, [
            ("typos: words re-segmented (>1 token changes)", lambda r: r["robustness"]["typo_changed_share"], pct, "low"),
            ("typos: token edits / character edit", lambda r: r["robustness"]["typo_token_edits_per_char_edit"],
             num, "low"),
        ] + [(f"{kind}: {what}", (lambda k, f: lambda r: r["robustness"]["kinds"][k][f])(kind, field), fmt, "low")
             for kind in ROBUSTNESS_KINDS
             for what, field, fmt in (("words re-segmented", "changed_share", pct),
                                      ("token edits / char edit", "token_edits_per_char_edit", num))]),
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


@dataclass
class LanguageRow:
    """One language of the parallel corpus across tokenizers."""

    code: str
    label: str                   # "Japanese (jpn)", or the code when it has no name
    script: str
    entries: list[dict | None]   # the language's parity result per tokenizer (None: not measured)


def language_rows(results) -> list[LanguageRow]:
    """Languages in the first tokenizer's order (ranked ones worst first, then INVALID ones)."""
    rows: dict[str, LanguageRow] = {}
    for j, r in enumerate(results):
        for lang in (r.get("parity") or {}).get("languages", []):
            label = lang["code"] if lang["name"] == lang["code"] else f"{lang['name']} ({lang['code']})"
            row = rows.setdefault(lang["code"], LanguageRow(lang["code"], label, lang["script"],
                                                            [None] * len(results)))
            row.entries[j] = lang
    return list(rows.values())


def premium_cell(entry: dict | None, why: bool = True) -> str:
    """The premium, or INVALID (with the unknown share when ``why``)."""
    if entry is None:
        return "–"
    if not entry.get("valid", True):
        return f"INVALID ({pct(entry['unknown_share'])} unknown)" if why else "INVALID"
    return f"{entry['premium']:.2f}"


def fidelity_cell(entry: dict | None) -> str:
    if entry is None or "unknown_share" not in entry:
        return "–"
    return f"{pct(entry['unknown_share'])} unknown · {pct(entry['roundtrip_share'])} exact"


def lossless(rows: list[LanguageRow]) -> bool:
    """No unknown token and every line decoded exactly, for every tokenizer and language."""
    return all(e.get("unknown_share", 0) == 0 and e.get("roundtrip_share", 1) == 1
               for row in rows for e in row.entries if e is not None)


def best_index(values: list[float | None], better: str | None, shown: list[str] | None = None) -> set[int]:
    """Columns holding the best value of a row; every column that *shows* the same text as the
    best ties with it. Empty with one tokenizer, and when every column ties (nothing stands out)."""
    if better is None or len(values) < 2:
        return set()
    nums = [(i, x) for i, x in enumerate(values) if isinstance(x, (int, float))]
    if not nums:
        return set()
    target = (max if better == "high" else min)(nums, key=lambda ix: ix[1])
    if shown is None:
        best = {i for i, x in nums if x == target[1]}
    else:
        best = {i for i, _ in nums if shown[i] == shown[target[0]]}
    return set() if len(best) == len(values) else best
