"""The examples in the docstrings are tests: every ``>>>`` in the package must hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tokensmith

# Modules that need an optional extra to import (their examples run where it is installed).
OPTIONAL = {"tokensmith.distributed": "ray"}


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(tokensmith.__path__, prefix="tokensmith."):
        if not info.name.startswith("tokensmith._core.") and info.name != "tokensmith.__main__":
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    for prefix, extra in OPTIONAL.items():
        if name.startswith(prefix):
            pytest.importorskip(extra)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"
