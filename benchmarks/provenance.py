"""What a benchmark table needs to be reproduced by someone else, printed before the results.

The commit (and whether the tree had changes), the exact command, the versions of tokensmith and
of every peer library, the machine's cores and its load average when the run started (the
machines are shared: a load above the core count means every wall time is inflated).
"""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PEERS = ["tokensmith", "tiktoken", "tokenizers", "sentencepiece", "rustbpe", "bpeasy", "numpy",
         "regex"]


def _git(*args: str) -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def provenance() -> dict[str, str]:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    versions = []
    for name in PEERS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "command": " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]),
        "commit": commit,
        "python": platform.python_version(),
        "versions": "; ".join(versions),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "load average (1, 5, 15 min)": load,
    }


def print_provenance(file=None) -> None:
    for key, value in provenance().items():
        print(f"# {key}: {value}", file=file or sys.stdout)
    print(file=file or sys.stdout, flush=True)
