"""Measures of tokenizers, one module per family; results are plain dataclasses.

=================  =========================================================================
``compression``    bytes/token, chars/token, tokens/word (fertility), share of words split
``fidelity``       unknown-token share and exact round trips (text the tokens lost)
``parity``         premium per language on a parallel corpus (Petrov et al. 2023)
``renyi``          Rényi efficiency of the token distribution (Zouhar et al. 2023)
``vocab_use``      share of the vocabulary a corpus uses
``vocab_audit``    unreachable, undecodable, fragmentary and duplicate-looking entries
``lengths``        token-length distribution
``numbers``        digit grouping and its consistency; dates and times
``morphology``     token boundaries against a gold morpheme segmentation
``suite``          all of them for several tokenizers: ``evaluate(...)``
=================  =========================================================================
"""

from .suite import Evaluation, TokenizerResult, evaluate

__all__ = ["evaluate", "Evaluation", "TokenizerResult"]
