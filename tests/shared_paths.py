"""Where the shared data is, and the rule for a test that needs it: skip locally, fail under CI.

A module of its own (not conftest.py, of which there are several) so that helper modules of the
tests can import it by name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TOKENSMITH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def require(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data file missing in CI: {path}")
        pytest.skip(f"shared data not available: {path}")
    return path
