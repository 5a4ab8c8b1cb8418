"""Vocabularies without a list: inputs that are not ids from a fixed table of tokens.

=================  ==========================================================================
``tfree``          T-FREE: words as sparse activation patterns of hashed character trigrams;
                   decoding patterns to words of a dictionary; collision statistics
``multihash``      spaCy's multi-hash embeddings: NORM/PREFIX/SUFFIX/SHAPE rows as spaCy and
                   thinc compute them
``patching``       byte patching for byte-level models: space-like bytes (BLT/SpaceByte), word
                   pooling (HAT, Learn Your Tokens), entropy thresholds (BLT), dynamic chunking
                   (H-Net), given any byte predictor
``eqinfo``         Equal-Info Windows: arithmetic coding under a byte model in windows of N bits
``byte_model``     the byte n-gram model (numpy) that patching and eqinfo use by default
=================  ==========================================================================

Each module's docstring names its paper and says what is as published and what is adapted.
"""

from .byte_model import ByteNgramModel
from .eqinfo import EqualInfoCoder, equal_info_stats
from .patching import Patcher, patch_stats

__all__ = ["ByteNgramModel", "EqualInfoCoder", "equal_info_stats", "Patcher", "patch_stats"]
