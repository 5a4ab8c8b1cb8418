"""Interpreter exit while a daemon thread is inside a compiled encoder ends cleanly.

CPython ends such a thread with pthread_exit when it retakes the GIL; the kernels used to retake
it in a noexcept destructor, which turned that into std::terminate (exit code 134).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import sys, threading, time, tokensmith
tok = tokensmith.load(sys.argv[1])
text = "hello world " * 200000
def run():
    while True:
        tok.encode_ordinary(text)
        tok.encode_batch([text[:5000]] * 50, num_threads=2, disallowed_special=())
threading.Thread(target=run, daemon=True).start()
time.sleep(0.5)
print("exiting")
"""


@pytest.mark.parametrize("name", ["r50k_base.tiktoken", "llama2_tokenizer.model",
                                  "t5_small_tokenizer.json"])
def test_exit_while_a_daemon_thread_encodes(name, tokenizer_files):
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(tokenizer_files / name)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"exit code {done.returncode}: {done.stderr[-1500:]}"
        assert "terminate called" not in done.stderr
