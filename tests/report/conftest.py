"""Headless Chromium for the report tests: the page must load without console errors."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (Debian package 'chromium')")
        pytest.skip("chromium not installed")
    return exe


@pytest.fixture
def browser(chromium):
    """``browser(url, tmp_path)``: load ``url`` in headless Chromium -> (DOM after load, console
    messages)."""
    def render(url, tmp_path):
        run = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=3000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
        return run.stdout, console
    return render
