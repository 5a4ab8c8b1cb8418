"""A batch asking for more threads than the OS gives must not abort the process.

Under an address-space limit, 300 threads cannot all start; the compiled encoders used to call
std::terminate (a joinable std::thread destroyed while unwinding). Now a refused thread leaves
its share to the others, or the call raises a Python error; the process never dies of a signal.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import resource, sys, tokensmith
tok = tokensmith.load(sys.argv[1])
texts = ["hello world, this is a test"] * 2000
expect = tok.encode_batch(texts, num_threads=1, disallowed_special=())
resource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20,) * 2)
try:
    got = tok.encode_batch(texts, num_threads=300, disallowed_special=())
except MemoryError:
    print("MemoryError")
else:
    print("same" if got == expect else "different")
"""


@pytest.mark.parametrize("name", ["r50k_base.tiktoken", "llama2_tokenizer.model",
                                  "t5_small_tokenizer.json"])
def test_many_threads_under_a_memory_limit(name, tokenizer_files):
    path = tokenizer_files / name
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"died with {done.returncode}: {done.stderr[-1500:]}"
    assert done.stdout.strip() in ("same", "MemoryError"), done.stdout
