"""``ByteLevel``: a token language model read as a model over bytes.

As published (Phan et al., "Exact Byte-Level Probabilities from Tokenized Language Models for
FIM-Tasks and Model Ensembles", 2024): the probability that the text starts with bytes ``x`` is
the sum over the token covers of ``x`` (:mod:`.covers`), and the next-byte distribution is the
ratio of two such sums, with no training. Both readings of the paper are here:

``canonical=False``
    the marginal over *all* token sequences that spell the bytes (the model's own distribution
    over texts, whatever it does with non-canonical encodings);
``canonical=True`` (default)
    only sequences the tokenizer would produce (:mod:`.canonical`). Adapted: the paper restricts
    the sum to valid covers and leaves it unnormalised; here the model's next-token distribution
    is renormalised over the tokens that keep the sequence canonical (and the end of text) at
    every step, so the canonical reading is itself a distribution over texts: the next-byte
    probabilities of ``x`` and ``P(x)`` obey the chain rule exactly. The share of mass removed
    at each step is kept (``NextTokens.kept``) and reported as the canonical-mass gap
    (:mod:`.scoring`).

The model's next-token distribution is also renormalised over the ids that have bytes and the end
of text: an id with no bytes (an unassigned id) cannot be part of a text.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

import numpy as np

from ..errors import InputError, OptionError
from .canonical import PairRule
from .covers import Hypothesis, NextTokens, advance, prune
from .lm import CachedModel, LanguageModel, check_ids, model_width
from .surface import end_token_ids, token_surfaces
from .trie import TokenTrie

END = 256  # index of the end of text in a next-byte distribution


class ByteLevel:
    def __init__(self, tokenizer, lm: LanguageModel, canonical: bool = True, *,
                 end_id: int | None = None, beam: int | None = None, cache_size: int = 4096):
        """``lm(prefixes: list[list[int]])`` returns next-token log-probabilities of shape
        ``[len(prefixes), tokenizer.vocab_size]`` (or one column more: the model's end symbol).
        ``end_id``: the id that ends a text (default: see :mod:`.surface`). ``beam``: keep at most
        this many hypotheses per byte (None: all, exact)."""
        if beam is not None and beam < 1:
            raise OptionError(f"beam must be a positive number of hypotheses, not {beam}")
        self.tokenizer = tokenizer
        self.vocab_size = tokenizer.vocab_size
        self.width = model_width(lm, self.vocab_size)
        surfaces = token_surfaces(tokenizer)
        if self.width == self.vocab_size + 1:
            self.end_ids = [self.vocab_size]  # the model's own end symbol
        elif end_id is not None:
            check_ids([end_id], self.vocab_size, "end id")
            self.end_ids = [int(end_id)]
        else:
            self.end_ids = end_token_ids(tokenizer)
        for e in self.end_ids:
            if e < self.vocab_size:
                surfaces[e] = None
        self.surfaces = surfaces
        self.trie = TokenTrie(surfaces)
        if len(self.trie) == 0:
            raise OptionError("the tokenizer has no token with bytes")
        self.canonical = bool(canonical)
        self.rule = PairRule(tokenizer, surfaces) if canonical else None
        self.model = CachedModel(lm, self.width, cache_size)
        self.beam = beam
        size = getattr(lm, "context_size", None)
        # The ids a history keeps: what the model sees, and the last one for the pairwise rule.
        self._keep = None if size is None else max(int(size), 1 if canonical else 0)
        self._present = np.zeros(self.vocab_size, dtype=bool)
        self._present[self.trie.ids] = True
        self._tables: OrderedDict[tuple, NextTokens] = OrderedDict()
        self._cache_size = cache_size
        self._states: OrderedDict[bytes, list[Hypothesis]] = OrderedDict()
        self._states[b""] = [Hypothesis((), 0.0, self.trie.root)]

    # -- the model's next-token tables ------------------------------------------------------------
    def extend(self, history: tuple, token: int) -> tuple:
        history = history + (token,)
        if self._keep is not None:
            history = history[len(history) - self._keep:] if self._keep else ()
        return history

    def extend_all(self, ids) -> tuple:
        """The history of a whole id sequence, as hypotheses keep it."""
        history = ()
        for t in ids:
            history = self.extend(history, int(t))
        return history

    def prefill(self, ids: Sequence[int]) -> None:
        """Ask the model for every prefix of ``ids`` at once, if it can (``lm.all_prefixes``)."""
        many = getattr(self.model.lm, "all_prefixes", None)
        if many is None or not len(ids):
            return
        check_ids(ids, self.vocab_size)
        histories = [self.extend_all(ids[:k]) for k in range(len(ids) + 1)]
        self.model.put(histories, many(list(ids)))

    def tables(self, histories: Sequence[tuple]) -> list[NextTokens]:
        """The next-token table of each history (one model call for those not cached)."""
        missing = [h for h in dict.fromkeys(histories) if h not in self._tables]
        if missing:
            for h, row in zip(missing, self.model.get(missing)):
                self._tables[h] = self._table(h, row)
        out = []
        for h in histories:
            self._tables.move_to_end(h)
            out.append(self._tables[h])
        while len(self._tables) > self._cache_size:
            self._tables.popitem(last=False)
        return out

    def _table(self, history: tuple, row: np.ndarray) -> NextTokens:
        p = np.exp(row - row.max())
        end = float(sum(p[e] for e in self.end_ids))
        tokens = p[: self.vocab_size] * self._present
        full = float(p.sum())
        if self.rule is not None:
            allowed = self.rule.first() if not history else self.rule.after(history[-1])
            tokens = tokens * allowed
        total = float(tokens.sum()) + end
        if total <= 0.0:
            raise InputError(f"the model gives no probability to any token that can follow "
                             f"{list(history)[-5:]} (nor to the end of text)")
        tokens /= total
        return NextTokens(tokens[self.trie.ids], tokens, end / total, total / full)

    def _prefill_text(self, prefix: bytes) -> None:
        """The canonical tokenization's rows in one model call, when the prefix is text."""
        if getattr(self.model.lm, "all_prefixes", None) is None:
            return
        try:
            ids = self.tokenizer.encode(prefix.decode("utf-8"), disallowed_special=())
        except (UnicodeDecodeError, ValueError):
            return
        self.prefill(ids)

    # -- hypotheses -------------------------------------------------------------------------------
    def hypotheses(self, prefix: bytes) -> list[Hypothesis]:
        """The covers of ``prefix`` (from the longest cached prefix of it, one byte at a time)."""
        prefix = _as_bytes(prefix)
        start = max((k for k in self._states if prefix.startswith(k)), key=len)
        hyps = self._states[start]
        for pos in range(len(start), len(prefix)):
            hyps = advance(hyps, prefix[pos], self.trie, self.tables, self.extend)
            if self.beam is not None and len(hyps) > self.beam:
                hyps = self._prune(hyps)
            if not hyps:
                kind = "canonical token sequence" if self.canonical else "token sequence"
                raise InputError(f"no {kind} of this vocabulary spells the first {pos + 1} bytes "
                                 f"{prefix[:pos + 1][-40:]!r} (byte {pos} has no covering token)")
        self._states[prefix] = hyps
        self._states.move_to_end(prefix)
        while len(self._states) > 64:
            oldest = next(iter(self._states))
            if oldest == b"":
                self._states.move_to_end(oldest)
                oldest = next(iter(self._states))
            del self._states[oldest]
        return hyps

    def _prune(self, hyps: list[Hypothesis]) -> list[Hypothesis]:
        tables = dict(zip([h.history for h in hyps], self.tables([h.history for h in hyps])))
        return prune(hyps, self.beam, lambda h: h.logp + np.log(max(tables[h.history].mass(h.node), 1e-300)))

    # -- the byte-level distribution -----------------------------------------------------------
    def prefix_logprob(self, prefix: bytes) -> float:
        """log P(the generated text starts with ``prefix``) (natural log)."""
        prefix = _as_bytes(prefix)
        if not prefix:
            return 0.0
        if not any(prefix.startswith(k) and k for k in self._states):
            self._prefill_text(prefix)
        hyps = [h for h in self.hypotheses(prefix) if h.node.depth > 0]
        tables = self.tables([h.history for h in hyps])
        terms = [h.logp + np.log(t.mass(h.node)) if t.mass(h.node) > 0 else -np.inf
                 for h, t in zip(hyps, tables)]
        return float(np.logaddexp.reduce(terms)) if terms else -np.inf

    def end_logprob(self, text: bytes) -> float:
        """log P(the generated text is exactly ``text``)."""
        hyps = [h for h in self.hypotheses(text) if h.node.depth == 0]
        tables = self.tables([h.history for h in hyps])
        terms = [h.logp + np.log(t.end) if t.end > 0 else -np.inf for h, t in zip(hyps, tables)]
        return float(np.logaddexp.reduce(terms)) if terms else -np.inf

    def next_byte_logprobs(self, prefix: bytes) -> np.ndarray:
        """log P(next byte | ``prefix``) for bytes 0-255, then the end of text (257 entries)."""
        hyps = self.hypotheses(prefix)
        tables = self.tables([h.history for h in hyps])
        top = max(h.logp for h in hyps)
        mass = np.zeros(257)
        for h, table in zip(hyps, tables):
            weight = np.exp(h.logp - top)
            mass[:256] += weight * table.children(self.trie, h.node)[1:]
            if h.node.depth == 0:
                mass[END] += weight * table.end
        total = mass.sum()
        if total <= 0.0:
            raise InputError(f"the model gives the prefix {_as_bytes(prefix)[-40:]!r} no continuation")
        with np.errstate(divide="ignore"):
            return np.log(mass / total)

    # -- generation -------------------------------------------------------------------------------
    def generate(self, prefix: bytes = b"", max_bytes: int = 64, *, greedy: bool = False,
                 temperature: float = 1.0, seed: int | None = None, stop_at_end: bool = True) -> bytes:
        """Continue ``prefix`` byte by byte (greedy, or sampled at ``temperature`` with ``seed``);
        returns the new bytes only. Stops at the end of text or after ``max_bytes``."""
        return generate_bytes(self.next_byte_logprobs, _as_bytes(prefix), max_bytes, greedy=greedy,
                              temperature=temperature, seed=seed, stop_at_end=stop_at_end)


def generate_bytes(next_byte_logprobs, prefix: bytes, max_bytes: int, *, greedy: bool = False,
                   temperature: float = 1.0, seed: int | None = None, stop_at_end: bool = True) -> bytes:
    """Byte-by-byte generation from any ``next_byte_logprobs(prefix) -> [257]`` (a model, an ensemble)."""
    if temperature <= 0:
        raise OptionError(f"temperature must be positive, not {temperature}")
    rng = np.random.default_rng(seed)
    out = bytearray()
    for _ in range(max_bytes):
        logp = np.asarray(next_byte_logprobs(prefix + bytes(out)))
        if not stop_at_end:
            logp = logp.copy()
            logp[END] = -np.inf
        if greedy:
            choice = int(np.argmax(logp))
        else:
            z = logp / temperature
            p = np.exp(z - z.max())
            choice = int(rng.choice(257, p=p / p.sum()))
        if choice == END:
            break
        out.append(choice)
    return bytes(out)


def _as_bytes(data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise InputError(f"a byte prefix must be bytes (or str, read as UTF-8), not {type(data).__name__}")
