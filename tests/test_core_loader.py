"""The one loader of the compiled core (tokensmith._core.kernel) and its two switches:
TOKENSMITH_PURE_PYTHON=1 runs the readable twins, and they give what the kernels give on real
text; TOKENSMITH_REQUIRE_CORE=1 turns a missing kernel into an ImportError naming it."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tokensmith._core import KERNELS, kernel

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "src" / "tokensmith" / "_core"


def test_kernels_are_the_modules_setup_builds():
    assert sorted(KERNELS) == sorted(p.stem for p in CORE.glob("_*.cpp"))


def _results(shared_data: Path, **env) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TOKENSMITH_")}
    environ.update(env, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "kernel_results.py"), str(shared_data)],
                          capture_output=True, text=True, env=environ, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_pure_python_gives_what_every_kernel_gives(shared_data):
    compiled = _results(shared_data, TOKENSMITH_REQUIRE_CORE="1")
    pure = _results(shared_data, TOKENSMITH_PURE_PYTHON="1", TOKENSMITH_REQUIRE_CORE="1")
    assert compiled["kernels"] == sorted(KERNELS)  # every kernel took part ...
    assert pure["kernels"] == []                   # ... and none did under the switch
    a, b = compiled["results"], pure["results"]
    assert sorted(a) == sorted(KERNELS)
    for name in sorted(KERNELS):
        if name not in ("_unigram_train", "_top_down"):
            assert a[name] == b[name], name
    # Sums of floats in another order: equal scores up to rounding (near-ties may swap places).
    scores_a, scores_b = dict(map(tuple, a["_unigram_train"])), dict(map(tuple, b["_unigram_train"]))
    assert scores_a.keys() == scores_b.keys() and len(scores_a) == 400
    assert all(math.isclose(scores_a[p], scores_b[p], rel_tol=1e-9) for p in scores_a)
    top_a, top_b = a["_top_down"], b["_top_down"]
    assert {k: v for k, v in top_a.items() if k != "ablation"} == {k: v for k, v in top_b.items() if k != "ablation"}
    assert np.count_nonzero(top_a["ablation"]) > 100
    np.testing.assert_allclose(top_a["ablation"], top_b["ablation"], rtol=1e-9, atol=1e-6)


@pytest.fixture
def missing_bpe(monkeypatch):
    """The _bpe kernel as if it were not built (the import fails)."""
    monkeypatch.delenv("TOKENSMITH_PURE_PYTHON", raising=False)
    monkeypatch.delenv("TOKENSMITH_REQUIRE_CORE", raising=False)
    monkeypatch.setitem(sys.modules, "tokensmith._core._bpe", None)
    return monkeypatch


def test_a_missing_kernel_falls_back_unless_required(missing_bpe, tokenizer_files):
    import tokensmith

    assert kernel("_bpe") is None
    assert tokensmith.load(tokenizer_files / "r50k_base.tiktoken").model.core is None  # the readable path
    missing_bpe.setenv("TOKENSMITH_REQUIRE_CORE", "0")  # "0" is off
    assert kernel("_bpe") is None
    missing_bpe.setenv("TOKENSMITH_REQUIRE_CORE", "1")
    with pytest.raises(ImportError, match=r"tokensmith\._core\._bpe .*TOKENSMITH_REQUIRE_CORE=1") as info:
        kernel("_bpe")
    assert info.value.name == "tokensmith._core._bpe"
    with pytest.raises(ImportError, match="_bpe"):
        tokensmith.load(tokenizer_files / "r50k_base.tiktoken")
    assert kernel("_split") is not None  # the others still load
    missing_bpe.setenv("TOKENSMITH_PURE_PYTHON", "1")  # the explicit choice of the twins wins
    assert kernel("_bpe") is None and kernel("_split") is None


def test_an_unknown_kernel_name_is_an_error():
    with pytest.raises(ValueError, match="unknown compiled kernel '_bpee'"):
        kernel("_bpee")
