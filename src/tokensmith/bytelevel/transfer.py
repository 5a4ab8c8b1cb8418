"""A model's next-token distribution mapped onto another tokenizer's tokens, through bytes.

Cross-tokenizer distillation needs the teacher's prediction in the student's vocabulary. Read
the teacher as a byte-level model (:class:`~.core.ByteLevel` over its own tokenizer ``A``); then
the probability that the student's (``B``'s) next token is ``t`` is the probability that the
continuation's first ``B`` token is ``t``. Adapted: which ``B`` token comes first is decided by
longest match (the longest ``B`` token the continuation starts with): exactly WordPiece's rule,
and the usual proxy for BPE's. With ``P(p)`` the teacher's probability that the continuation
starts with bytes ``p`` and ``Q(p)`` that it starts with some ``B`` token extending ``p``::

    Q(p) = P(p)                       if p is a B token
         = sum over bytes b of Q(pb)  otherwise
    P(first B token = t) = P(t) - sum over bytes b of Q(tb)

which sums to one with the end of text when every single byte is a ``B`` token. Each internal
node of ``B``'s trie costs one next-byte step of the teacher (cached along the walk);
``min_mass`` stops the walk below nodes the teacher gives less (their mass stays with the
longest token above them).
"""

from __future__ import annotations

import numpy as np

from .core import END
from .surface import token_surfaces
from .trie import TokenTrie


def map_next_token(source, prefix: bytes, target_tokenizer, *, min_mass: float = 0.0) -> np.ndarray:
    """``P(B's next token = t | prefix)`` for every id of ``target_tokenizer``, then the end of
    text (``vocab_size + 1`` entries), from ``source`` (a byte-level model)."""
    surfaces = token_surfaces(target_tokenizer)
    trie = TokenTrie(surfaces)
    out = np.zeros(target_tokenizer.vocab_size + 1)
    prefix = bytes(prefix)
    first = np.exp(source.next_byte_logprobs(prefix))
    out[-1] = first[END]

    def walk(path: bytes, node, p: float, step: np.ndarray | None) -> float:
        """Q(path), filling ``out`` for the tokens below; ``step``: next-byte probs after path."""
        token = trie.exact(node) if node.depth else -1
        below = 0.0
        if p > min_mass and node.hi - node.lo > (1 if token >= 0 else 0):
            if step is None:
                step = np.exp(source.next_byte_logprobs(prefix + path))
            for byte in np.unique(trie.column(node.depth)[node.lo:node.hi]):
                if byte < 0 or step[byte] == 0.0:
                    continue
                child = trie.child(node, int(byte))
                below += walk(path + bytes([int(byte)]), child, p * step[byte], None)
        if token >= 0:
            out[token] = p - below
            return p
        return below

    walk(b"", trie.root, 1.0, first)
    return out
