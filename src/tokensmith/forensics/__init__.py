"""What a released tokenizer (and its model's embeddings) reveal: one module per paper.

================  ==============================================================================
``mixture``       data-mixture inference from a BPE merge list (Hayase et al. 2024)
``undertrained``  under-trained tokens from embedding matrices ("Fishing for Magikarp", Land &
                  Bartolo 2024), cross-checked with the tokenizer-side audit
``robustness``    how segmentation changes under typos, case, Unicode variants and spacing
================  ==============================================================================
"""

from .mixture import MixtureInference, infer_mixture, mixture_inference
from .robustness import Robustness, robustness
from .undertrained import UndertrainedTokens, undertrained_tokens

__all__ = ["infer_mixture", "mixture_inference", "MixtureInference", "robustness", "Robustness",
           "undertrained_tokens", "UndertrainedTokens"]
