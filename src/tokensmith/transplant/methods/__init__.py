"""The transplant methods, one module per paper; each defines ``initialize(ctx, matrix)``."""

from __future__ import annotations

import importlib

from ...errors import OptionError

# method name -> module in this package
METHODS = {
    "copy": "copy_shared",      # shared tokens copied, the rest mean-initialised (baseline)
    "fvt": "fvt",               # Fast Vocabulary Transfer
    "omp": "omp",               # Orthogonal Matching Pursuit transplantation
    "focus": "focus",           # FOCUS
    "wechsel": "wechsel",       # WECHSEL
    "tokalign": "tokalign",     # TokAlign
    "tokenadapt": "tokenadapt", # TokenAdapt
}


def method_module(name: str):
    """The module implementing transplant method ``name``."""
    if name not in METHODS:
        raise OptionError(f"unknown transplant method {name!r}; choose one of {', '.join(METHODS)}")
    return importlib.import_module(f"{__name__}.{METHODS[name]}")
