"""Pre-token counting on Ray: one task per work unit, counts merged by a tree reduction.

Each task counts its unit with the same counter the local backend uses (the compiled
``PretokenCounter`` with one thread, or the custom-regex / pure-Python ones) and returns
``{pre-token bytes: count}``. Finished results are merged ``FAN_IN`` at a time in further
tasks, so the driver only ever holds object references and, at the end, the one merged table.
Counts are sums, so the merged table (hence the merges trained from it) does not depend on the
order tasks finish in nor on how the corpus was cut into units (units are cut where splitting
is unaffected: see :mod:`.work_units`).
"""

from __future__ import annotations

from typing import Any, Callable

from .session import get, ray_session
from .work_units import DEFAULT_RANGE_BYTES, iter_units, unit_texts

FAN_IN = 4  # count tables merged per reduction task


def count_unit(unit, compiled: str | None, regex_string: str | None, errors: str,
               text_field: str) -> dict[bytes, int]:
    """``{pre-token: count}`` of one unit (runs inside a task; importable for tests)."""
    from ..models.bpe.trainer import BATCH_CHARS, add_batch, make_counter

    counter = make_counter(compiled, regex_string)
    batch: list[str | bytes] = []
    size = 0
    for text in unit_texts(unit, errors=errors, text_field=text_field):
        batch.append(text)
        size += len(text)
        if size >= BATCH_CHARS:
            add_batch(counter, batch, 1)
            batch, size = [], 0
    if batch:
        add_batch(counter, batch, 1)
    return counter.counts()


def merge_counts(*tables: dict[bytes, int]) -> dict[bytes, int]:
    """The sum of count tables (the largest is updated in place)."""
    tables = sorted(tables, key=len, reverse=True)
    out = tables[0]
    for table in tables[1:]:
        get_count = out.get
        for key, n in table.items():
            out[key] = get_count(key, 0) + n
    return out


def count_corpus_on_ray(corpus: Any, compiled: str | None, regex_string: str | None, *,
                        errors: str = "strict", text_field: str = "text",
                        address: str | None = None, range_bytes: int = DEFAULT_RANGE_BYTES,
                        max_pending: int | None = None,
                        on_unit_done: Callable[[], None] | None = None) -> dict[bytes, int]:
    """``{pre-token: count}`` of ``corpus``, counted in Ray tasks (see the module doc)."""
    with ray_session(address) as ray:
        count_task = ray.remote(num_cpus=1)(count_unit)
        merge_task = ray.remote(num_cpus=1)(merge_counts)
        if max_pending is None:
            max_pending = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        units = iter_units(corpus, range_bytes)
        count_refs: set = set()
        pending: list = []
        ready: list = []
        exhausted = False

        def submit_counts() -> bool:
            while len(count_refs) < max_pending:
                unit = next(units, None)
                if unit is None:
                    return True
                ref = count_task.remote(unit, compiled, regex_string, errors, text_field)
                count_refs.add(ref)
                pending.append(ref)
            return False

        exhausted = submit_counts()
        while pending or len(ready) > 1:
            if pending:
                done, _ = ray.wait(pending, num_returns=1)
                pending.remove(done[0])
                ready.append(done[0])
                if done[0] in count_refs:
                    count_refs.discard(done[0])
                    if on_unit_done is not None:
                        on_unit_done()
                if not exhausted:
                    exhausted = submit_counts()
            if len(ready) >= FAN_IN or (exhausted and not pending and len(ready) > 1):
                group, ready = ready[:FAN_IN], ready[FAN_IN:]
                pending.append(merge_task.remote(*group))
        if not ready:
            return {}
        return get(ray, ready[0])


class CountsTrainer:
    """Counts already gathered, with the ``train`` method of the local counters."""

    def __init__(self, counts: dict[bytes, int]):
        self._counts = counts

    def __len__(self) -> int:
        return len(self._counts)

    def counts(self) -> dict[bytes, int]:
        return self._counts

    def train(self, num_merges, min_frequency, progress, every):
        from ..models.bpe.trainer import train_bpe_from_counts

        counts, self._counts = self._counts, {}
        return train_bpe_from_counts(counts, num_merges, min_frequency, progress=progress)
