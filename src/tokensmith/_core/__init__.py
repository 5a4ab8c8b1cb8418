"""The compiled core: one C++ extension module per kernel, loaded here and nowhere else.

Every kernel ``_core/_<name>.cpp`` has a readable Python twin that gives the same results (listed
in :mod:`tokensmith._reference`). Code that can use a kernel asks :func:`kernel` for it and takes
the twin when the answer is None. Two environment variables, read at each call, choose:

``TOKENSMITH_PURE_PYTHON=1``
    Every kernel is None: the whole library runs its readable Python twins (slow; for reading,
    debugging, and tests that compare the two).
``TOKENSMITH_REQUIRE_CORE=1``
    A kernel that cannot be imported raises ImportError naming it, instead of the silent switch
    to the slow twin (CI sets it, so a broken build fails rather than passes slowly).
    ``TOKENSMITH_PURE_PYTHON`` wins when both are set: it is the explicit choice of the twins.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

# The extension modules setup.py builds (one per top-level _core/_<name>.cpp).
KERNELS = ("_bpe", "_bpe_train", "_decode", "_lattice", "_lzw", "_pair_replay", "_segment", "_split", "_spm_bpe", "_top_down",
           "_unigram_train", "_wordpiece_train")

PURE_PYTHON = "TOKENSMITH_PURE_PYTHON"
REQUIRE_CORE = "TOKENSMITH_REQUIRE_CORE"


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def pure_python() -> bool:
    """True when ``TOKENSMITH_PURE_PYTHON`` asks for the readable twins everywhere."""
    return _flag(PURE_PYTHON)


def kernel(name: str) -> ModuleType | None:
    """The compiled module ``tokensmith._core.<name>`` (e.g. ``"_bpe"``), or None when the
    readable twin must run: pure-Python mode, or the module is not built (an ImportError naming
    the module instead under ``TOKENSMITH_REQUIRE_CORE=1``)."""
    if name not in KERNELS:
        raise ValueError(f"unknown compiled kernel {name!r} (known: {', '.join(KERNELS)})")
    if pure_python():
        return None
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ImportError as exc:
        if _flag(REQUIRE_CORE):
            raise ImportError(f"the compiled kernel tokensmith._core.{name} cannot be imported "
                              f"({exc}); {REQUIRE_CORE}=1 forbids the Python fallback: build it "
                              "with `pip install .` or `python setup.py build_ext --inplace`",
                              name=f"{__name__}.{name}") from exc
        return None
