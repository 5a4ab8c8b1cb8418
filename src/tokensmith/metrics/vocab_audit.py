"""Vocabulary audit: entries that encoding never yields, and entries that look anomalous.

Definitions (``s`` is a token's surface bytes, see ``TokenizerLike.token_bytes``):

* **control**: no surface (``<s>``, ``<|endoftext|>``, ``[CLS]``, ``<unk>``).
* **undecodable**: ``s`` holds a byte that never occurs in UTF-8 (``C0``, ``C1``, ``F5``-``FF``),
  so no text can ever produce the token.
* **fragmentary**: ``s`` is not valid UTF-8 but only holds bytes UTF-8 uses: a piece of a
  multi-byte character (byte-fallback pieces and byte-level BPE's partial characters).
* **unreachable**: ``s`` is valid UTF-8 text, yet encoding it never gives the token: neither
  ``encode(s) == [t]`` nor, for any probe prefix ``p`` in ``PROBES``,
  ``encode(p + s) == encode(p) + [t]`` (the probe lets tokens that only occur inside or after
  a word, such as SentencePiece pieces without ``▁`` or WordPiece ``##`` pieces, show up). These are
  the entries the "sticky"/"glitch" token literature points at: embeddings that training never
  updated.
* **duplicate-looking** (informational; counts of groups with more than one token):
  ``exact``: the same surface under several ids; ``space``: ``s`` and ``" " + s`` both present;
  ``case``: different surfaces, equal after ``str.casefold`` (leading space stripped);
  ``nfkc``: different surfaces, equal after NFKC normalisation but not after casefolding alone
  (full-width forms, ligatures, compatibility characters).
* **whitespace-only** and **control-character** entries (Unicode category ``Cc`` other than
  tab/newline/carriage return) are counted too.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .vocab_table import VocabTable

PROBES = ("\n", "a", "q", "7")
NEVER_UTF8 = frozenset([0xC0, 0xC1, *range(0xF5, 0x100)])
EXAMPLES = 12


@dataclass
class VocabAudit:
    vocab_size: int
    control: int
    undecodable: int
    fragmentary: int
    unreachable: int
    reachable: int
    unreachable_share: float      # of the entries that are valid UTF-8 text
    exact_duplicates: int
    space_variants: int
    case_variants: int
    nfkc_variants: int
    whitespace_only: int
    control_characters: int
    examples: dict[str, list] = field(default_factory=dict)  # surfaces, or groups of them


def _show(s: bytes) -> str:
    return s.decode("utf-8", "backslashreplace")


def classify_bytes(s: bytes) -> str:
    """``'undecodable'``, ``'fragmentary'`` or ``'text'``."""
    if any(b in NEVER_UTF8 for b in s):
        return "undecodable"
    try:
        s.decode("utf-8")
    except UnicodeDecodeError:
        return "fragmentary"
    return "text"


def unreachable_ids(tokenizer, candidates: dict[int, str], progress: bool = False) -> list[int]:
    """Ids among ``candidates`` (id -> surface text) that encoding their text never yields."""
    ids = list(candidates)
    texts = [candidates[i] for i in ids]
    missing = [i for i, got in zip(ids, _batched(tokenizer, texts, progress)) if got != [i]]
    for probe in PROBES:
        if not missing:
            break
        head = tokenizer.encode(probe)
        results = _batched(tokenizer, [probe + candidates[i] for i in missing], False)
        missing = [i for i, got in zip(missing, results) if got != head + [i]]
    return missing


def _batched(tokenizer, texts, progress, size=4096):
    from tqdm.auto import tqdm

    from ..progress import bars_wanted

    out = []
    bar = tqdm(total=len(texts), desc=f"{tokenizer.name} vocabulary", unit="tok", leave=False,
               disable=not bars_wanted(progress))
    for start in range(0, len(texts), size):
        chunk = texts[start:start + size]
        out.extend(list(map(int, ids)) for ids in tokenizer.encode_batch(chunk))
        bar.update(len(chunk))
    bar.close()
    return out


def vocab_audit(tokenizer, progress: bool = False) -> VocabAudit:
    """The audit of a ``TokenizerLike`` or a ``tokensmith.Tokenizer`` (read through the adapter,
    so special tokens count as control entries and are not refused in the probe texts)."""
    from ..adapters import open_tokenizer

    tokenizer = open_tokenizer(tokenizer)
    table = VocabTable.of(tokenizer)
    kinds: dict[str, list[int]] = defaultdict(list)
    texts: dict[int, str] = {}
    for i, s in enumerate(table.surfaces):
        if s is None:
            kinds["control"].append(i)
            continue
        kind = classify_bytes(s)
        kinds[kind].append(i)
        if kind == "text" and s:
            texts[i] = s.decode("utf-8")
    unreachable = unreachable_ids(tokenizer, texts, progress)
    groups = _lookalikes(texts)
    whitespace = [i for i, t in texts.items() if t.isspace()]
    control_chars = [i for i, t in texts.items()
                     if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in t)]
    examples = {
        "undecodable": [_show(table.surfaces[i]) for i in kinds["undecodable"][:EXAMPLES]],
        "fragmentary": [_show(table.surfaces[i]) for i in kinds["fragmentary"][:EXAMPLES]],
        "unreachable": [texts[i] for i in unreachable[:EXAMPLES]],
        **{f"{k}_variants": v[:EXAMPLES] for k, v in groups.items()},
    }
    return VocabAudit(
        vocab_size=tokenizer.vocab_size, control=len(kinds["control"]),
        undecodable=len(kinds["undecodable"]), fragmentary=len(kinds["fragmentary"]),
        unreachable=len(unreachable), reachable=len(texts) - len(unreachable),
        unreachable_share=len(unreachable) / len(texts) if texts else 0.0,
        exact_duplicates=_exact_duplicates(table),
        space_variants=len(groups["space"]), case_variants=len(groups["case"]),
        nfkc_variants=len(groups["nfkc"]), whitespace_only=len(whitespace),
        control_characters=len(control_chars), examples=examples)


def _exact_duplicates(table: VocabTable) -> int:
    seen: dict[bytes, int] = defaultdict(int)
    for s in table.surfaces:
        if s is not None:
            seen[s] += 1
    return sum(1 for n in seen.values() if n > 1)


def _lookalikes(texts: dict[int, str]) -> dict[str, list[list[str]]]:
    """Groups of distinct surfaces that differ only by a leading space, by case, or by NFKC."""
    distinct = set(texts.values())
    space = [[t, " " + t] for t in sorted(distinct) if t and not t.startswith(" ") and " " + t in distinct]
    by_case: dict[str, set[str]] = defaultdict(set)
    by_nfkc: dict[str, set[str]] = defaultdict(set)
    for t in distinct:
        core = t[1:] if t.startswith(" ") else t
        by_case[(" " if t.startswith(" ") else "") + core.casefold()].add(t)
        by_nfkc[unicodedata.normalize("NFKC", t).casefold()].add(t)
    case = [sorted(g) for g in by_case.values() if len(g) > 1]
    case_keys = {frozenset(g) for g in case}
    nfkc = [sorted(g) for g in by_nfkc.values()
            if len(g) > 1 and frozenset(g) not in case_keys]
    return {"space": space, "case": sorted(case), "nfkc": sorted(nfkc)}
