"""The Markdown report: the same tables as the HTML page, plus the premium per language."""

from __future__ import annotations

from .tables import best_index, build_tables


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
    with_parity = [r for r in results if r.get("parity")]
    if with_parity:
        out += ["## Premium per language", "",
                "| language | script | " + " | ".join(r["name"] for r in with_parity) + " |",
                "|---|---|" + "---:|" * len(with_parity)]
        premium = [{lang["code"]: lang for lang in r["parity"]["languages"]} for r in with_parity]
        for lang in with_parity[0]["parity"]["languages"]:
            values = " | ".join(f"{p[lang['code']]['premium']:.2f}" if lang["code"] in p else "–"
                                for p in premium)
            shown = lang["code"] if lang["name"] == lang["code"] else f"{lang['name']} ({lang['code']})"
            out.append(f"| {_cell(shown)} | {lang['script']} | {values} |")
        out.append("")
    return "\n".join(out)
