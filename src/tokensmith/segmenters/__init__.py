"""Inference methods any vocabulary can use, chosen by name.

``Tokenizer.with_segmenter(name, **options)`` returns a tokenizer whose model segments with
``name``, one of :data:`SEGMENTERS`:

==============================  ==============================================================
``merges``                      BPE merge-rule replay (the BPE model itself)
``longest_prefix``              greedy from the left (WordPiece's own method)
``longest_suffix``              greedy from the right
``longest_token``               the longest token anywhere, then recursively on both sides
``least_tokens``                fewest tokens, PathPiece's official tie-break (longest last token)
``least_tokens_longest_first``  fewest tokens, longest first token on ties
``likelihood``                  Viterbi over Unigram log-probabilities (vocabularies with scores)
``bpe_dropout``                 BPE with merges dropped with probability ``dropout`` (seeded)
``stochastok``                  StochasTok random splits with probability ``p`` (seeded)
``unigram_sampling``            subword regularisation on a Unigram vocabulary, ``alpha`` (seeded)
==============================  ==============================================================

A seeded stochastic segmenter gives a text the same ids however it is batched or threaded
(``seed=None``: fresh draws on every call); see :mod:`tokensmith.segmenters.stochastic`.
"""

from .methods import METHODS
from .models import (BPEDropoutModel, SegmentedModel, SEGMENTERS, StochasTokModel,
                     UnigramSamplingModel, segment_piece, segmented_model)
from .vocabulary import SegmentVocabulary, vocabulary_of

__all__ = ["SEGMENTERS", "METHODS", "segmented_model", "SegmentedModel", "BPEDropoutModel",
           "StochasTokModel", "UnigramSamplingModel", "SegmentVocabulary", "vocabulary_of", "segment_piece"]
