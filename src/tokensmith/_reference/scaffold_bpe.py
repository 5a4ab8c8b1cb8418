"""Scaffold-BPE's bookkeeping, written to be read: merges replayed on the counts word by word.

``tokensmith.trainers.scaffold_bpe.find_scaffolds`` gets the same answer from each merge's realised
count alone; this replay is the readable definition it is tested against.
"""

from __future__ import annotations

import heapq
from typing import Sequence


def find_scaffolds(counts: dict[bytes, int], merges: Sequence[tuple[int, int]],
                   vocab_size: int) -> tuple[int, set[int]]:
    """Replay ``merges`` on ``counts`` with Scaffold-BPE's bookkeeping.

    Returns ``(number of merges kept, scaffold ids among them)``: training stops as soon as the
    normal vocabulary V holds ``vocab_size`` tokens. If the merges run out first, all are kept.

    >>> n, scaffolds = find_scaffolds({b"abcd": 10, b"ab": 1}, [(97, 98), (256, 99), (257, 100)], 258)
    >>> n, sorted(scaffolds)   # "ab" is frequent only inside "abc"/"abcd"
    (3, [256])
    """
    words = [list(w) for w, c in counts.items() if c > 0]
    freqs = [c for w, c in counts.items() if c > 0]
    token_freq: dict[int, int] = {}
    containing: dict[int, set[int]] = {}
    for i, (word, f) in enumerate(zip(words, freqs)):
        for t in word:
            token_freq[t] = token_freq.get(t, 0) + f
            containing.setdefault(t, set()).add(i)

    def plan(pair):
        """Words the merge changes, their new form, and the realised count of the merge."""
        a, b = pair
        changed, total = [], 0
        for i in containing.get(a, set()) & containing.get(b, set()):
            word, out, j, n = words[i], [], 0, 0
            while j < len(word):
                if j + 1 < len(word) and word[j] == a and word[j + 1] == b:
                    out.append(-1)
                    j += 2
                    n += 1
                else:
                    out.append(word[j])
                    j += 1
            if n:
                changed.append((i, out, n))
                total += n * freqs[i]
        return changed, total

    normal = 256
    scaffold: set[int] = set()
    queue: list[tuple[int, int]] = []  # (-frequency when pushed, id) of scaffold tokens
    previous: tuple[int, int] | None = None
    for k, pair in enumerate(merges):
        changed, head = plan(pair)
        if previous is not None:
            for x in previous:
                if x >= 256 and x not in scaffold and token_freq.get(x, 0) < head:
                    scaffold.add(x)
                    normal -= 1
                    heapq.heappush(queue, (-token_freq.get(x, 0), x))
        while queue and -queue[0][0] >= head and normal < vocab_size:
            f, x = heapq.heappop(queue)
            if x not in scaffold:
                continue
            if token_freq.get(x, 0) != -f:  # stale: its frequency dropped since it was pushed
                heapq.heappush(queue, (-token_freq.get(x, 0), x))
                continue
            scaffold.discard(x)
            normal += 1
        if normal >= vocab_size:
            return k, scaffold
        new_id = 256 + k
        a, b = pair
        for i, out, n in changed:
            f = freqs[i]
            words[i] = [new_id if t == -1 else t for t in out]
            token_freq[a] -= n * f
            token_freq[b] -= n * f
            token_freq[new_id] = token_freq.get(new_id, 0) + n * f
            containing.setdefault(new_id, set()).add(i)
            if a not in words[i]:
                containing[a].discard(i)
            if b not in words[i]:
                containing[b].discard(i)
        normal += 1
        previous = pair
    return len(merges), scaffold
