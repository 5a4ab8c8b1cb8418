"""One pre-token counter shared by threads counts exactly what one thread would.

``PretokenCounter.add_texts`` releases the GIL; it had no lock (two callers raced on one hash
table) and read the texts through borrowed pointers while the caller's list could change.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

_bpe_train = pytest.importorskip("tokensmith._core._bpe_train")

TEXTS = [f"line {i} of the shared corpus, with words {i % 97} and {i % 13} " * 40 for i in range(3000)]


def test_threads_sharing_a_counter_count_every_piece_once():
    expected = _bpe_train.PretokenCounter("cl100k")
    for _ in range(4):
        expected.add_texts(TEXTS, num_threads=1)

    shared = _bpe_train.PretokenCounter("cl100k")
    batches = [list(TEXTS) for _ in range(4)]

    def count(batch):
        for start in range(0, len(batch), 500):
            shared.add_texts(batch[start:start + 500], num_threads=2)
            shared.add_pieces([b"extra"])

    threads = [threading.Thread(target=count, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = Counter(shared.counts())
    assert got.pop(b"extra") == 4 * 6
    assert got == Counter(expected.counts())


def test_the_callers_list_may_change_while_counting():
    counter = _bpe_train.PretokenCounter("cl100k")
    texts = ["x" * 200_000 + str(i) for i in range(40)]
    stop = threading.Event()

    def mutate():
        while not stop.is_set():
            texts.append("y" * 100_000)
            texts.pop()

    worker = threading.Thread(target=mutate)
    worker.start()
    try:
        for _ in range(5):
            counter.add_texts(texts, num_threads=2)
    finally:
        stop.set()
        worker.join()
    assert len(counter) > 0
