"""Prompt-boundary healing: token alignment by character matching.

As published (Athiwaratkun et al., "Token Alignment via Character Matching for Subword
Completion", 2024): a prompt that ends inside a token ("The quick bro") is encoded with a token
the model rarely saw there (``" bro"`` where training text had ``" brown"``). Back off the last
``k`` tokens of the prompt, and let generation start again from there, constrained to tokens
whose bytes agree with the removed characters (a prefix of them, or starting with them) until
those characters are all spelled; then generate freely.

As published: back off ``k`` tokens (``back_off``) and match characters. Adapted: the
constraint is one trie lookup (:meth:`~.trie.TokenTrie.consistent_mask`) over the tokens' bytes,
so it holds for any tokenizer with a byte view (:mod:`.surface`). The same mask drives a ``transformers`` ``generate`` call through :func:`healing_logits_processor`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import OptionError
from .lm import LanguageModel
from .surface import token_surfaces
from .trie import TokenTrie


class Healer:
    """The back-off and the character-matching mask, for one tokenizer."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.surfaces = token_surfaces(tokenizer)
        self.trie = TokenTrie(self.surfaces)
        self.width = tokenizer.vocab_size

    def back_off(self, prompt: str, k: int = 1) -> tuple[list[int], bytes]:
        """The prompt's ids without its last ``k`` tokens, and the bytes those tokens spelled."""
        if k < 0:
            raise OptionError(f"back_off must be >= 0, not {k}")
        ids = self.tokenizer.encode(prompt, disallowed_special=())
        k = min(k, len(ids))
        kept, removed = ids[:len(ids) - k], ids[len(ids) - k:]
        return kept, b"".join(self.surfaces[i] or b"" for i in removed)

    def mask(self, remaining: bytes, width: int | None = None) -> np.ndarray:
        """Allowed next ids (of ``width`` outputs) while ``remaining`` bytes of the prompt are
        still to be spelled."""
        allowed = np.zeros(width or self.width, dtype=bool)
        allowed[: self.tokenizer.vocab_size] = self.trie.consistent_mask(remaining, self.tokenizer.vocab_size)
        return allowed

    def remaining_after(self, remaining: bytes, generated: Sequence[int]) -> bytes:
        """What is left to spell after ``generated`` ids (all consistent with it)."""
        for t in generated:
            if not remaining:
                break
            data = self.surfaces[t] if t < len(self.surfaces) else None
            remaining = remaining[len(data):] if data and remaining.startswith(data) else b""
        return remaining


def greedy_tokens(lm: LanguageModel, ids: list[int], max_tokens: int, *, healer: Healer | None = None,
                  remaining: bytes = b"", end_id: int | None = None) -> list[int]:
    """Greedy continuation of ``ids`` (constrained by ``healer`` while ``remaining`` is not
    spelled); stops at ``end_id``."""
    out: list[int] = []
    for _ in range(max_tokens):
        logp = np.asarray(lm([ids + out]))[0].copy()
        if healer is not None and remaining:
            logp[~healer.mask(remaining, len(logp))] = -np.inf
        choice = int(np.argmax(logp))
        if choice == end_id:
            break
        out.append(choice)
        if healer is not None:
            remaining = healer.remaining_after(remaining, [choice])
    return out


def complete(lm: LanguageModel, tokenizer, prompt: str, max_tokens: int = 8, *, back_off: int = 0,
             healer: Healer | None = None, end_id: int | None = None) -> bytes:
    """Greedy completion of ``prompt``: the new bytes after it. ``back_off=0`` is the naive
    reading (the prompt's own tokens); ``back_off=k`` heals the last ``k`` tokens."""
    healer = healer or Healer(tokenizer)
    kept, removed = healer.back_off(prompt, back_off)
    generated = greedy_tokens(lm, kept, max_tokens, healer=healer, remaining=removed, end_id=end_id)
    data = b"".join(healer.surfaces[t] or b"" for t in generated if t < len(healer.surfaces))
    return data[len(removed):] if data.startswith(removed) else data


def healing_logits_processor(tokenizer, prompt_length: int, removed: bytes):
    """A ``transformers`` ``LogitsProcessor`` applying the character-matching mask: pass the
    backed-off prompt's ids (length ``prompt_length``) to ``generate`` with
    ``logits_processor=[this]``; ``removed`` is the bytes the backed-off tokens spelled."""
    import torch
    from transformers import LogitsProcessor

    healer = Healer(tokenizer)

    class HealingLogitsProcessor(LogitsProcessor):
        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            for row in range(input_ids.shape[0]):
                generated = input_ids[row, prompt_length:].tolist()
                left = healer.remaining_after(removed, generated)
                if left:
                    blocked = torch.from_numpy(~healer.mask(left, scores.shape[-1]))
                    scores[row, blocked] = -float("inf")
            return scores

    return HealingLogitsProcessor()
