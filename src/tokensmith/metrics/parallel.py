"""Reading a line-aligned parallel corpus directory.

Layout (NTREX-128's): ``newstest2019-ref.<lang>.txt`` per language, the pivot (English)
``newstest2019-src.eng.txt``, and optionally ``LANGUAGES.tsv`` (``code<whitespace>name`` per
line) for display names. More generally, any ``<prefix>.<lang>.txt`` files work: the pivot is the
file whose language is ``pivot`` (``eng`` by default), found among all ``*.txt`` files. Line ``i``
of every file must be the translation of line ``i`` of the pivot.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..corpus import read_text
from .scripts import script_of

_FILE = re.compile(r"^(?P<prefix>.+)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\.txt$")


@dataclass
class Language:
    code: str
    name: str
    script: str
    lines: list[str] = field(repr=False)


@dataclass
class ParallelCorpus:
    directory: str
    pivot: Language
    languages: list[Language]   # every language but the pivot, by code


def read_parallel(directory: str | os.PathLike, pivot: str = "eng",
                  languages: list[str] | None = None, max_lines: int | None = None) -> ParallelCorpus:
    """All languages of ``directory`` (their first ``max_lines`` lines if given); raises
    :class:`InputError` naming the file at fault. Alignment is checked on the whole files."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError("no such directory (expected a parallel corpus directory)", root)
    found: dict[str, Path] = {}
    pivot_path = None
    for path in sorted(root.glob("*.txt")):
        match = _FILE.match(path.name)
        if not match:
            continue
        code, prefix = match["lang"], match["prefix"]
        if code == pivot:
            pivot_path = path
        elif prefix.endswith("-ref") or code not in found:
            found[code] = path  # a "-ref" file wins over a second reference ("-ref-2")
    if pivot_path is None:
        raise InputError(f"pivot language {pivot!r} missing: no file named *.{pivot}.txt "
                         "(e.g. newstest2019-src.eng.txt)", root)
    if languages is not None:
        missing = sorted(set(languages) - set(found))
        if missing:
            raise InputError(f"languages not in the corpus: {', '.join(missing)}", root)
        found = {c: found[c] for c in languages}
    if not found:
        raise InputError("no language files besides the pivot (expected <prefix>.<lang>.txt)", root)
    names = _names(root / "LANGUAGES.tsv")
    pivot_lines = _lines(pivot_path)
    langs = []
    for code, path in sorted(found.items()):
        lines = _lines(path)
        if len(lines) != len(pivot_lines):
            raise InputError(f"misaligned: {len(lines)} lines but the pivot {pivot_path.name} has "
                             f"{len(pivot_lines)}", path)
        sample = "".join(lines[:300])
        langs.append(Language(code, names.get(code, code), script_of(code, sample), lines[:max_lines]))
    pivot_lang = Language(pivot, names.get(pivot, "English" if pivot == "eng" else pivot),
                          script_of(pivot, "".join(pivot_lines[:300])), pivot_lines[:max_lines])
    return ParallelCorpus(os.fspath(root), pivot_lang, langs)


def _lines(path: Path) -> list[str]:
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not any(line.strip() for line in lines):
        raise InputError("empty language file", path)
    return [line.rstrip("\r") for line in lines]


def _names(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    names = {}
    for line in read_text(path).splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            names[parts[0]] = parts[1].strip()
    return names
