"""Split patterns that can match the empty string: empty pieces are skipped (as HF does).

Training with such a pattern used to crash the process (the compiled pre-token counter stored an
empty key before allocating its first block). Each method runs in a subprocess so a crash is a
test failure, not the end of the test run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

METHODS = ["bpe", "superbpe", "scaffold_bpe", "pathpiece", "bytespan"]

SCRIPT = """
import sys, tokensmith
from tokensmith.errors import InputError
method, pattern = sys.argv[1], sys.argv[2]
try:
    tok = tokensmith.train(["hello world aaa bbb"] * 50, method=method, vocab_size=300,
                           pattern=pattern, progress=False)
except InputError as exc:
    print("InputError:", exc)
else:
    print("trained", tok.vocab_size)
"""


@pytest.mark.parametrize("pattern", ["a?", r"\w*", r"\b"])
@pytest.mark.parametrize("method", METHODS)
def test_training_with_an_empty_matching_pattern_does_not_crash(method, pattern):
    done = subprocess.run([sys.executable, "-c", SCRIPT, method, pattern],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    # The text between matches is a piece too (nothing is dropped), so even "\b", which only
    # matches "", leaves whole words to learn from.
    assert done.stdout.startswith("trained"), done.stdout
