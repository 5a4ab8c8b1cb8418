"""Domain and character-level recipes: protected terms and small character-level BPE.

Papers:

* KL3M tokenizers: Michael J. Bommarito II, Daniel Martin Katz, Jillian Bommarito, "KL3M
  Tokenizers: A Family of Domain-Specific and Character-Level Tokenizers for Legal, Financial,
  and Preprocessing Applications" (arXiv 2503.17247): domain BPE that keeps domain terms whole,
  and small character-level BPE vocabularies (4k-16k, short tokens) whose boundaries stay stable
  when OCR corrupts characters;
* K-Tokeniser, "Infusing clinical knowledge into tokenisers for language models", and MATTER,
  "Incorporating domain knowledge into materials tokenization": domain concepts stay whole.

As published (the shared idea, not any one paper's exact pipeline):

* a list of protected terms is cut out of the text before pre-tokenization (domain-specific
  pre-tokenization, :class:`ProtectedSplitter`) and each term is one token of the vocabulary
  (:class:`ProtectedModel`), so a protected term is never split; the BPE trained beside them
  spends no merges on them;
* the character-level recipe is BPE whose tokens are whole characters and at most ``max_chars``
  characters long (KL3M's character tokenizers use short tokens), on small vocabularies.

Adapted:

* a protected term matches where it is not inside a longer word (no letter or digit right
  before or after it); it is one token with or without a single leading space (two ids);
* K-Tokeniser's and MATTER's ways of choosing the terms (clinical concept lists, a materials
  NER model) are left to the caller: pass the terms;
* the character-level length cap is enforced by the shared BPE trainer's ``allowed`` predicate
  (a refused pair never merges; otherwise plain BPE, same tie-break).

HF ``tokenizer.json`` can only approximate protected terms (as added tokens, which HF matches
anywhere, even inside words); the native format saves them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


from ..errors import OptionError, spell
from ..models.protected import ProtectedModel
from ..pre_tokenizers.protected import ProtectedSplitter, protected_terms
from ..pre_tokenizers.splitters import RegexSplitter
from ..tokenizer import Tokenizer
from ..models.bpe.model import BPEModel
from .method_utils import count_pieces, merge_token_bytes
from ..models.bpe.trainer import train_bpe_from_counts
from .options import BytePairOptions, option
from .trainer import trainer

METHOD = "domain"
CHAR_METHOD = "char_bpe"


@dataclass(kw_only=True)
class DomainOptions(BytePairOptions):
    protected_terms: Sequence[str] = option((), "terms that are always one token (vocab_size counts them)")


@trainer(METHOD, DomainOptions)
def train_domain_bpe(corpus, options: DomainOptions) -> Tokenizer:
    """BPE whose ``protected_terms`` are always whole tokens; ``vocab_size`` counts them too."""
    o = options
    terms = protected_terms(o.protected_terms)
    splitter = ProtectedSplitter(None if o.pattern is None else RegexSplitter(o.pattern), terms)
    report = o.reporter(METHOD)
    counts: dict[str, int] = {}
    with report.phase("counting"):
        for text in o.texts(corpus):
            for piece in splitter.split(text):
                counts[piece] = counts.get(piece, 0) + 1
    term_forms = {f for t in terms for f in (t, " " + t)}
    byte_counts = {p.encode(): c for p, c in counts.items() if p not in term_forms}
    budget = o.model_size(257 + 2 * len(terms)) - 2 * len(terms)
    with report.phase("merges", total=budget - 256, unit="merge") as phase:
        merges = train_bpe_from_counts(byte_counts, budget - 256, o.min_frequency, progress=phase.set)
    model = ProtectedModel(BPEModel(merge_token_bytes(merges), merges), terms)
    return o.tokenizer(model, splitter, METHOD)


def char_count(token: bytes) -> int:
    """Characters in ``token``, or -1 if it is not whole UTF-8 characters."""
    try:
        return len(token.decode("utf-8"))
    except UnicodeDecodeError:
        return -1


@dataclass(kw_only=True)
class CharBPEOptions(BytePairOptions):
    max_chars: int = option(3, "longest merged token, in whole UTF-8 characters")


@trainer(CHAR_METHOD, CharBPEOptions)
def train_char_bpe(corpus, options: CharBPEOptions) -> Tokenizer:
    """Character-level BPE: every merged token is 2..``max_chars`` whole UTF-8 characters.

    Merges inside a multi-byte character are allowed (they build the character itself).
    """
    o = options
    vocab_size = o.model_size()
    if o.max_chars < 1:
        raise OptionError(f"{spell('max_chars')} must be >= 1, got {o.max_chars}")
    report = o.reporter(CHAR_METHOD)
    counts = count_pieces(corpus, o.pattern, o, progress=report)
    max_chars = o.max_chars

    def allowed(merged: bytes) -> bool:
        n = char_count(merged)
        return n <= max_chars if n >= 0 else _partial_char(merged)

    with report.phase("merges", total=vocab_size - 256, unit="merge") as phase:
        merges = train_bpe_from_counts(counts, vocab_size - 256, o.min_frequency, allowed=allowed,
                                       progress=phase.set)
    splitter = None if o.pattern is None else RegexSplitter(o.pattern)
    return o.tokenizer(BPEModel(merge_token_bytes(merges), merges), splitter, CHAR_METHOD)


def _partial_char(merged: bytes) -> bool:
    """Bytes that are a prefix of one UTF-8 character (a lead byte and continuation bytes)."""
    lead = merged[0]
    if lead < 0xC0 or any(not 0x80 <= b < 0xC0 for b in merged[1:]):
        return False
    size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return len(merged) < size
