"""Run a Ray task over a stream of inputs, a bounded number in flight, results in input order.

Memory stays bounded on both sides (at most ``max_in_flight`` inputs and results exist at once)
and the consumer sees results in the order of the inputs, whatever order the tasks finish in:
what writing deterministic output from a cluster needs.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Iterable, Iterator

from .session import get


def ordered_map(ray, task, inputs: Iterable[tuple], max_in_flight: int) -> Iterator[Any]:
    """``task.remote(*args)`` for each ``args`` of ``inputs``; yields the results in order."""
    if max_in_flight < 1:
        raise ValueError("max_in_flight must be at least 1")
    queue: deque = deque()
    for args in inputs:
        queue.append(task.remote(*args))
        if len(queue) >= max_in_flight:
            yield get(ray, queue.popleft())
    while queue:
        yield get(ray, queue.popleft())
