"""Shared fixtures: the real data in ../shared/data.

A test that needs shared data fails (not skips) when CI is set, so that CI can never go green
by silently skipping the compatibility tests. The same holds for every other skip: under CI
(where ``.ci/run`` installs every reference library, the compiled core and chromium) a skipped
test or module, e.g. ``pytest.importorskip("tiktoken")`` finding nothing, is reported as failed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared_paths import ROOT, SHARED_DATA, require  # noqa: F401 (ROOT, SHARED_DATA: for tests)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require(SHARED_DATA)


@pytest.fixture(scope="session")
def tokenizer_files(shared_data) -> Path:
    return require(shared_data / "tokenizers")


@pytest.fixture(scope="session")
def ntrex_dir(shared_data) -> Path:
    return require(shared_data / "parallel" / "ntrex128")


@pytest.fixture(scope="session")
def ntrex_files(ntrex_dir) -> list[Path]:
    files = sorted(ntrex_dir.glob("newstest2019-*.txt"))
    assert len(files) >= 128
    return files


@pytest.fixture(scope="session")
def english_sample(shared_data) -> str:
    """The English corpus sample the compatibility tests use: 2 MB from the middle of the corpus."""
    path = require(shared_data / "corpora" / "en_gutenberg_100MB.txt")
    with open(path, "rb") as f:
        f.seek(50_000_000)
        data = f.read(2_000_000)
    return data.decode("utf-8", errors="ignore")


def _fail_skips_in_ci(report) -> None:
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI (everything must be installed there): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())
