"""Models: a vocabulary plus the way it segments a piece, each with its trainer and HF's variant.

* :mod:`.bpe` — byte-level BPE, SentencePiece BPE, HF's BPE.
* :mod:`.unigram` — Unigram LM (SentencePiece's and HF's).
* :mod:`.wordpiece` — WordPiece (and HF's WordLevel).
* :mod:`.scaffold_bpe`, :mod:`.protected` — models of the literature's builders.
* :mod:`.hf` — ``build_model(spec)`` for the ``"model"`` object of a ``tokenizer.json``.

Vocabulary builders of the literature that produce these models live in :mod:`tokensmith.trainers`;
other ways to segment with a model's vocabulary in :mod:`tokensmith.segmenters`.
"""

from .bpe.model import BPEModel
from .unigram.model import UnigramModel
from .wordpiece.model import WordPieceModel

__all__ = ["BPEModel", "UnigramModel", "WordPieceModel"]
