"""The HF compatibility suite's texts and comparisons (shared by the tests and ``report.py``).

Every ``*_tokenizer.json`` in ``../shared/data/tokenizers`` (plus BERT's ``vocab.txt`` as HF's
``BertWordPieceTokenizer`` writes it) is compared with ``tokenizers.Tokenizer.from_file``: ids
with and without ``add_special_tokens``, special tokens matched (tokensmith's
``allowed_special="all"``, HF's default) and taken as text (``disallowed_special=()``, HF's
``encode_special_tokens=True``), decoded text with and without ``skip_special_tokens``, pairs.
"""

from __future__ import annotations

import csv
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import tokensmith

HOSTILE = [
    "", " ", "  ", "\n", "\t\t\t", "     \n\n   \t", "a    b\t\t\tc", " leading and trailing ",
    "\u00a0\u3000\u2028 x \u200b\u200d", "e\u0301\u0301 \u1100\u1161\u11a8", "\ufeffBOM", "\U0001F600\U0001F1EB\U0001F1F7 \U00010348",
    "\u0000\u0001\u001c\u001f\u007f", "\U000E0001\U000F0000\U0010FFFF", "ﬁﬀ ½ ℌ Ⅻ ①", "ǅungla İstanbul ß ẞ",
    "don't we'll I'M", "1234567890 3.14159 1,000,000", "x" * 3000, "ab " * 800, "🙂" * 300,
    "<<>> </ s> <s <|>", "\r\n\r\n  \r  ", "   ".join(["word"] * 50),
]


@dataclass
class Outcome:
    """The comparison of one tokenizer file on one kind of case."""

    name: str
    what: str
    cases: int = 0
    exact: int = 0
    known: int = 0  # mismatches of a documented deviation (docs/compatibility.md)
    first_mismatch: str | None = None

    def check(self, case, ours, theirs, known: bool = False) -> None:
        self.cases += 1
        if ours == theirs:
            self.exact += 1
        elif known:
            self.known += 1
        elif self.first_mismatch is None:
            self.first_mismatch = f"{case!r:.300}: {difference(ours, theirs)}"

    @property
    def percent(self) -> float:
        return 100.0 * self.exact / self.cases if self.cases else 100.0

    @property
    def unexplained(self) -> int:
        return self.cases - self.exact - self.known


def _fast_unigram_leaves_out(pair: "Pair", text: str) -> bool:
    """Whether ``text`` holds the string of a piece the fast Unigram reader's lattice leaves
    out (SentencePiece's rule: the unknown piece and byte pieces ``<0xNN>``), where HF's lattice
    matches it like any other piece."""
    import re

    from tokensmith.models.unigram.model import UnigramModel

    model = pair.ours.model
    if not isinstance(model, UnigramModel):
        return False
    if model.unk_id is not None and model.pieces[model.unk_id][0] in text:
        return True
    return model.byte_fallback and re.search("<0x[0-9A-F]{2}>", text) is not None


def _unigram_unk_id(pair: "Pair") -> int | None:
    """HF's Unigram names an unknown token by the text it covers, tokensmith by the unknown
    piece (ids carry no text): the tokens at those positions are not compared."""
    model = pair.ours.model
    while getattr(model, "base", None) is not None:
        model = model.base
    if isinstance(getattr(model, "pieces", None), list):
        return getattr(model, "unk_id", None)
    return None


def difference(ours, theirs) -> str:
    """Where two results part: the first differing position of sequences, with context."""
    if isinstance(ours, tuple):
        for name, a, b in zip(("ids", "type_ids", "tokens", "mask"), ours, theirs):
            if a != b:
                return f"{name}: {difference(a, b)}"
    if isinstance(ours, (list, str)) and isinstance(theirs, (list, str)):
        k = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        lo = max(0, k - 3)
        return (f"at {k} (lengths {len(ours)}, {len(theirs)}): ours {ours[lo:k + 4]!r} "
                f"HF {theirs[lo:k + 4]!r}")
    return f"ours {ours!r:.200} HF {theirs!r:.200}"


@dataclass
class Pair:
    path: Path
    ours: object
    ref: object
    load_seconds: float
    added: list[str] = field(default_factory=list)


def tokenizer_jsons(tokenizers_dir: Path) -> list[Path]:
    return sorted(tokenizers_dir.glob("*_tokenizer.json"))


def bert_json(tokenizers_dir: Path, out_dir: Path) -> Path:
    """BERT (cased) as HF's ``BertWordPieceTokenizer`` writes it: BertProcessing, [CLS]/[SEP]."""
    from tokenizers import BertWordPieceTokenizer

    path = out_dir / "bert_base_cased_tokenizer.json"
    if not path.exists():
        bert = BertWordPieceTokenizer(str(tokenizers_dir / "bert_base_cased_vocab.txt"), lowercase=False)
        bert.save(str(path))
    return path


def load_pair(path: Path) -> Pair:
    import tokenizers

    start = time.perf_counter()
    ours = tokensmith.load(path)
    seconds = time.perf_counter() - start
    ref = tokenizers.Tokenizer.from_file(str(path))
    added = [t["content"] for t in json.loads(path.read_text(encoding="utf-8")).get("added_tokens") or []]
    return Pair(path, ours, ref, seconds, added)


def ntrex_sample(ntrex_dir: Path, per_language: int = 30, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for f in sorted(ntrex_dir.glob("newstest2019-*.txt")):
        text = f.read_text(encoding="utf-8").splitlines()
        lines += rng.sample(text, min(per_language, len(text)))
    return lines


def udhr_sample(tsv: Path, rows: int = 40, seed: int = 0) -> list[str]:
    with open(tsv, encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f, delimiter="\t"))
    rng = random.Random(seed)
    picked = rng.sample(table, min(rows, len(table)))
    return [" ".join(row[f"art{k}"] for k in (1, 2, 3) if row.get(f"art{k}")) for row in picked]


def with_added_tokens(added: list[str], texts: list[str], seed: int = 0) -> list[str]:
    """Texts with the file's added tokens written into them: alone, glued to words, between
    spaces (lstrip/rstrip), next to each other, and as prefixes of longer strings."""
    rng = random.Random(seed)
    if not added:
        return []
    out = []
    for k, text in enumerate(texts):
        a, b = rng.choice(added), rng.choice(added)
        cut = rng.randrange(len(text) + 1)
        out += [text[:cut] + a + text[cut:], f"{a}{text}  {b} ", f" {a} {b}{b}\n{text[:40]}",
                f"x{a}y {a[:-1]} {a}{a[:2]}"]
        if k >= 40:
            break
    return out + [tok for tok in added[:200]]


def compare_ids(pair: Pair, texts: list[str], add_special_tokens: bool, what: str) -> Outcome:
    outcome = Outcome(pair.path.name, what)
    refs = pair.ref.encode_batch(texts, add_special_tokens=add_special_tokens)
    for text, ref in zip(texts, refs):
        ours = pair.ours.encode(text, allowed_special="all", add_special_tokens=add_special_tokens)
        outcome.check(text, ours, ref.ids)
    return outcome


def compare_specials_as_text(pair: Pair, texts: list[str]) -> Outcome:
    """HF's ``encode_special_tokens=True`` against ``disallowed_special=()``."""
    outcome = Outcome(pair.path.name, "special tokens as text")
    pair.ref.encode_special_tokens = True
    try:
        refs = pair.ref.encode_batch(texts, add_special_tokens=False)
    finally:
        pair.ref.encode_special_tokens = False
    for text, ref in zip(texts, refs):
        outcome.check(text, pair.ours.encode(text, disallowed_special=()), ref.ids,
                      known=_fast_unigram_leaves_out(pair, text))
    return outcome


def compare_decode(pair: Pair, texts: list[str], skip_special_tokens: bool) -> Outcome:
    outcome = Outcome(pair.path.name, f"decode skip_special_tokens={skip_special_tokens}")
    for enc in pair.ref.encode_batch(texts, add_special_tokens=True):
        outcome.check(enc.ids, pair.ours.decode(enc.ids, skip_special_tokens=skip_special_tokens),
                      pair.ref.decode(enc.ids, skip_special_tokens=skip_special_tokens))
    return outcome


def compare_pairs(pair: Pair, texts: list[str]) -> Outcome:
    """``encode_plus(a, b)``: ids, type ids, tokens and special-token mask of HF's ``encode(a, b)``."""
    outcome = Outcome(pair.path.name, "pairs (ids, type_ids, tokens, mask)")
    unk = _unigram_unk_id(pair)

    def tokens(e):
        return [None if i == unk else t for i, t in zip(e.ids, e.tokens)]

    for a, b in zip(texts[::2], texts[1::2]):
        for add in (True, False):
            ours = pair.ours.encode_plus(a, b, add_special_tokens=add, allowed_special="all")
            ref = pair.ref.encode(a, b, add_special_tokens=add)
            outcome.check((a, b, add), (ours.ids, ours.type_ids, tokens(ours), ours.special_tokens_mask),
                          (ref.ids, ref.type_ids, tokens(ref), ref.special_tokens_mask))
    return outcome


def all_outcomes(pair: Pair, natural: list[str], sparse: int = 4) -> list[Outcome]:
    """Every comparison on one file: ``natural`` texts, every ``sparse``-th for the costlier ones."""
    some = natural[::sparse]
    mixed = with_added_tokens(pair.added, some) + HOSTILE
    return [
        compare_ids(pair, natural + HOSTILE, False, "ids"),
        compare_ids(pair, some + mixed, True, "ids add_special_tokens=True"),
        compare_ids(pair, mixed, False, "ids with added tokens in the text"),
        compare_specials_as_text(pair, mixed),
        compare_decode(pair, some + mixed, False),
        compare_decode(pair, some + mixed, True),
        compare_pairs(pair, some[:60] + mixed[:20]),
    ]
