"""``copy``: shared tokens keep their rows, every other row is the mean of the old matrix.

The baseline of the transplant literature (e.g. the "shared tokens + mean" baseline of WECHSEL,
Minixhofer et al., NAACL 2022, and of Hewitt's "Initializing new word embeddings", 2021): what
any method must beat. Tokens are shared when they mean the same text in the same word position,
whatever the vocabularies' conventions (:mod:`tokensmith.transplant.matching`); special tokens by
role. Nothing here is adapted.
"""

from __future__ import annotations

import numpy as np

from ..context import TransplantContext
from ..rows import copy_shared


def initialize(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray:
    return copy_shared(ctx, matrix)[0]
