"""The Markdown report: the same tables as the HTML page, plus the premium per language."""

from __future__ import annotations

from .tables import best_index, build_tables, fidelity_cell, language_rows, lossless, premium_cell


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(data: dict, title: str = "Tokenizer report") -> str:
    results = data["tokenizers"]
    out = [f"# {title}", "", "Tokenizers: " + ", ".join(f"**{r['name']}**" for r in results), ""]
    for table in build_tables(data):
        out += [f"## {table.title}", "", "| " + " | ".join(map(_cell, table.headers)) + " |",
                "|" + "---|" + "---:|" * (len(table.headers) - 1)]
        for cells, raw, better in zip(table.rows, table.raw, table.better):
            best = best_index(raw, better, cells[1:])
            shown = [_cell(cells[0])] + [f"**{_cell(c)}**" if i in best else _cell(c)
                                         for i, c in enumerate(cells[1:])]
            out.append("| " + " | ".join(shown) + " |")
        out.append("")
        if table.note:
            out += [f"_{_cell(table.note)}_", ""]
    with_parity = [r for r in results if r.get("parity")]
    if with_parity:
        rows = language_rows(with_parity)
        head = "| language | script | " + " | ".join(_cell(r["name"]) for r in with_parity) + " |"
        rule = "|---|---|" + "---:|" * len(with_parity)
        out += ["## Premium per language", "", head, rule]
        out += [f"| {_cell(row.label)} | {row.script} | " + " | ".join(map(premium_cell, row.entries)) + " |"
                for row in rows]
        out += ["", "## Unknown tokens and exact round trips per language", ""]
        if lossless(rows):
            out += ["No unknown token, and every line decodes back exactly, for every tokenizer.", ""]
        else:
            out += ["Share of the tokens that are the unknown token · share of the lines with "
                    "decode(encode(line)) == line.", "", head, rule]
            out += [f"| {_cell(row.label)} | {row.script} | " + " | ".join(map(fidelity_cell, row.entries)) + " |"
                    for row in rows]
            out.append("")
    return "\n".join(out)
