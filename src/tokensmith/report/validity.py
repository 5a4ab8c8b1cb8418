"""Which numbers of a comparison may be ranked, and the notes that say why some may not.

Per-token numbers flatter a tokenizer that loses text: text hidden under an unknown token costs no
tokens, and whitespace that WordPiece drops costs none either. The report keeps those numbers (they
are what was measured) but never stars them, marks them, and says why under the table:

* parity: a language with more than 10% unknown tokens is INVALID for a tokenizer (Petrov et al.
  2023) and left out of its aggregates; a tokenizer whose aggregates therefore cover fewer
  languages than another's is not ranked on them (``†``);
* compression: a tokenizer with more than 10% unknown tokens on the corpus is not ranked on its
  per-token measures (``†``); one that emits no whitespace tokens (WordPiece) is not ranked on
  bytes or characters per token (``‡``).

Functions take the results dicts (``Evaluation.to_dict()["tokenizers"]``) and return, per row,
``{column index: mark}`` for the cells that must not be ranked.
"""

from __future__ import annotations

from ..metrics.fidelity import UNKNOWN_LIMIT

NOT_COMPARABLE = "†"
NO_WHITESPACE = "‡"


def limit_of(results) -> float:
    for r in results:
        if r.get("parity") and r["parity"].get("unknown_limit") is not None:
            return r["parity"]["unknown_limit"]
    return UNKNOWN_LIMIT


def valid_codes(result) -> set[str]:
    return {lang["code"] for lang in result["parity"]["languages"] if lang.get("valid", True)}


def parity_marks(results) -> dict[int, str]:
    """Tokenizers whose premium aggregates cover fewer languages than another's."""
    measured = [i for i, r in enumerate(results) if r.get("parity")]
    union = set().union(*(valid_codes(results[i]) for i in measured)) if measured else set()
    return {i: NOT_COMPARABLE for i in measured if valid_codes(results[i]) != union}


def parity_note(results) -> str:
    limit = limit_of(results)
    with_parity = [r for r in results if r.get("parity")]
    if not any(r["parity"].get("invalid") for r in with_parity):
        return ""
    counts = "; ".join(f"{r['name']}: {len(r['parity']['invalid'])} of {len(r['parity']['languages'])}"
                       for r in with_parity if r["parity"].get("invalid"))
    note = (f"INVALID: more than {limit:.0%} of the tokens are unknown ({counts}). As in Petrov et al. "
            "(2023), such a language is left out of the tokenizer's aggregates and never ranked: its "
            "premium only looks small because text vanished into the unknown token.")
    if parity_marks(results):
        note += (f" {NOT_COMPARABLE} aggregates over fewer languages than another tokenizer's: "
                 "not ranked.")
    return note


def compression_marks(results, whitespace: bool = False) -> dict[int, str]:
    """Per-token cells not to rank: too many unknown tokens (and, with ``whitespace``, no
    whitespace tokens)."""
    limit = limit_of(results)
    marks = {}
    for i, r in enumerate(results):
        c = r.get("compression")
        if not c:
            continue
        mark = NOT_COMPARABLE if c.get("unknown_share", 0) > limit else ""
        if whitespace and c.get("encodes_whitespace") is False:
            mark += NO_WHITESPACE
        if mark:
            marks[i] = mark
    return marks


def compression_note(results) -> str:
    limit = limit_of(results)
    measured = [r for r in results if r.get("compression")]
    unknown = [f"{r['name']} ({r['compression']['unknown_share']:.1%})" for r in measured
               if r["compression"].get("unknown_share", 0) > limit]
    silent = [r for r in measured if r["compression"].get("encodes_whitespace") is False]
    notes = []
    if unknown:
        notes.append(f"{NOT_COMPARABLE} more than {limit:.0%} of the tokens are unknown for "
                     f"{_names(unknown)}: text hidden under them costs no token, so the per-token "
                     "measures are not ranked.")
    if silent:
        share = silent[0]["compression"].get("whitespace_share", 0)
        verb = "emits" if len(silent) == 1 else "emit"
        notes.append(f"{NO_WHITESPACE} {_names([r['name'] for r in silent])} {verb} no whitespace tokens "
                     "(WordPiece drops whitespace; normalizers that collapse it drop line breaks and "
                     f"runs of spaces): the whitespace, {share:.1%} of the corpus bytes, counts in "
                     "bytes and characters per token without costing a token, and does not come "
                     "back on decoding, so they are not ranked there.")
    return " ".join(notes)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
