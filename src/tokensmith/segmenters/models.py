"""Models that segment with another model's vocabulary by a chosen method.

They wrap the vocabulary model (``base``), keep its ids and token bytes (so decoding and saving
work unchanged) and replace only how a piece becomes ids. Saved files record the method, its
options and the base model.
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import components
from ..components import Model, register
from ..errors import OptionError
from .methods import METHODS
from .pieces import compiled_segmenter, segment_piece, segment_pieces  # noqa: F401 (segment_piece: public here too)
from .stochastic import call_rng, dropout_merge, stochastok_expand, vocabulary_splits
from .vocabulary import SegmentVocabulary, vocabulary_of


class _Wrapper(Model):
    base: Model

    def token_bytes(self) -> list[bytes]:
        return self.base.token_bytes()

    def segment_vocabulary(self) -> SegmentVocabulary:
        return vocabulary_of(self.base)


@register
class SegmentedModel(_Wrapper):
    """``base``'s vocabulary segmented by one of :data:`METHODS`."""

    kind = "segmented"

    def __init__(self, base: Model, method: str):
        if method not in METHODS:
            raise OptionError(f"unknown segmentation method {method!r}; choose from {sorted(METHODS)}")
        self.base, self.method = base, method
        self.vocab = vocabulary_of(base)
        if method == "likelihood" and self.vocab.scores is None:
            raise OptionError(f"the likelihood method needs token scores, and this "
                              f"{type(base).__name__} vocabulary has none")
        self._kernel = None  # the compiled tables, built on first use

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        if self._kernel is None:
            self._kernel = compiled_segmenter(self.vocab) or False
        return segment_pieces(pieces, self.vocab, self.method, self._kernel or None)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "method": self.method, "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("model", data["base"]), data["method"])


def _check_seed(seed) -> int | None:
    if seed is not None and not isinstance(seed, int):
        raise OptionError(f"seed must be an integer or None (fresh draws on every call), got {seed!r}")
    return seed


class _Seeded(_Wrapper):
    """A stochastic segmenter: each call draws from its own generator, seeded from ``seed`` and
    the call's pieces (see Reproducibility in :mod:`tokensmith.segmenters.stochastic`)."""

    seed: int | None

    def encode_pieces(self, pieces: Sequence[bytes]) -> list[int]:
        pieces = list(pieces)  # read twice: for the seed, then segmented
        return self.draw(pieces, call_rng(self.kind, self.seed, pieces))

    def draw(self, pieces: list[bytes], rng) -> list[int]:
        """The ids of ``pieces``, every random choice taken from ``rng``."""
        raise NotImplementedError


def _check_probability(name: str, p) -> float:
    if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise OptionError(f"{name} must be a probability between 0 and 1, got {p!r}")
    return float(p)


@register
class BPEDropoutModel(_Seeded):
    """BPE with merges randomly skipped (see :mod:`tokensmith.segmenters.stochastic`)."""

    kind = "bpe_dropout"

    def __init__(self, base: Model, dropout: float = 0.1, seed: int | None = 0):
        from ..models.bpe.model import BPEModel

        if not isinstance(base, BPEModel):
            raise OptionError(f"BPE-dropout needs a BPE vocabulary with merges, not {type(base).__name__}")
        self.base, self.dropout, self.seed = base, _check_probability("dropout", dropout), _check_seed(seed)
        self._table = {(int(a), int(b)): (int(r), int(m)) for a, b, r, m in base.table}

    def draw(self, pieces: list[bytes], rng) -> list[int]:
        if self.dropout == 0.0:
            return self.base.encode_pieces(pieces)
        byte_ids = self.base.byte_ids
        out: list[int] = []
        for piece in pieces:
            out += dropout_merge([byte_ids[b] for b in piece], self._table, self.dropout, rng)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "dropout": self.dropout, "seed": self.seed, "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("model", data["base"]), data["dropout"], data.get("seed", 0))


@register
class StochasTokModel(_Seeded):
    """``inner``'s segmentation, then StochasTok's random splits (see :mod:`.stochastic`)."""

    kind = "stochastok"

    def __init__(self, inner: Model, p: float = 0.1, seed: int | None = 0):
        self.base, self.p, self.seed = inner, _check_probability("p", p), _check_seed(seed)
        vocab_model = inner.base if isinstance(inner, _Wrapper) else inner
        self.splits = vocabulary_splits(vocabulary_of(vocab_model))

    def draw(self, pieces: list[bytes], rng) -> list[int]:
        return stochastok_expand(self.base.encode_pieces(pieces), self.splits, self.p, rng)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "p": self.p, "seed": self.seed, "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("model", data["base"]), data["p"], data.get("seed", 0))


@register
class UnigramSamplingModel(_Seeded):
    """Subword regularisation (Kudo 2018): each piece's segmentation drawn from a Unigram
    vocabulary's lattice with probability ∝ ``exp(alpha · score)`` (all paths, or the
    ``nbest_size`` best), as :meth:`UnigramModel.sample` does; ``nbest_size=1`` is Viterbi.
    A seeded model's ids for a text depend on the seed and the text alone, whatever the
    threads or batches (see :mod:`tokensmith.segmenters.stochastic`)."""

    kind = "unigram_sampling"

    def __init__(self, base: Model, alpha: float = 0.1, nbest_size: int = -1, seed: int | None = 0):
        from ..models.unigram.model import UnigramModel

        if not isinstance(base, UnigramModel):
            raise OptionError(f"Unigram sampling needs a Unigram vocabulary with scores, not {type(base).__name__}")
        if not isinstance(alpha, (int, float)) or alpha < 0:
            raise OptionError(f"sampling alpha must be a number >= 0, got {alpha!r}")
        if not isinstance(nbest_size, int) or nbest_size < -1:
            raise OptionError(f"nbest_size must be -1 (every path), 0, 1 or more, got {nbest_size!r}")
        self.base, self.alpha, self.nbest_size, self.seed = base, float(alpha), nbest_size, _check_seed(seed)

    def draw(self, pieces: list[bytes], rng) -> list[int]:
        out: list[int] = []
        for piece in pieces:
            out += self.base.sample(piece, self.alpha, self.nbest_size, seed=rng.getrandbits(63))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "alpha": self.alpha, "nbest_size": self.nbest_size,
                "seed": self.seed, "base": self.base.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        return cls(components.from_dict("model", data["base"]), data["alpha"],
                   data.get("nbest_size", -1), data.get("seed", 0))


STOCHASTIC = {"bpe_dropout": BPEDropoutModel, "stochastok": StochasTokModel,
              "unigram_sampling": UnigramSamplingModel}


def segmented_model(model: Model, name: str, **options) -> Model:
    """``model``'s vocabulary segmented by the method ``name`` (one of ``SEGMENTERS``).

    ``merges`` gives the BPE model itself. ``bpe_dropout`` takes ``dropout`` and ``seed``;
    ``stochastok`` takes ``p``, ``seed`` and ``inner`` (the method whose output it splits; the
    vocabulary's own by default); ``unigram_sampling`` takes ``alpha``, ``nbest_size`` and
    ``seed``. Unknown options are an error.
    """
    from ..models.bpe.model import BPEModel

    base = model
    while isinstance(base, _Wrapper):
        base = base.base
    if name == "stochastok":
        inner_name = options.pop("inner", None)
        _only(name, options, {"p", "seed"})
        inner = base if inner_name is None else segmented_model(base, inner_name)
        return StochasTokModel(inner, **options)
    if name == "unigram_sampling":
        _only(name, options, {"alpha", "nbest_size", "seed"})
        return UnigramSamplingModel(base, **options)
    if name == "bpe_dropout":
        _only(name, options, {"dropout", "seed"})
        return BPEDropoutModel(base, **options)
    _only(name, options, set())
    if name == "merges":
        if not isinstance(base, BPEModel):
            raise OptionError(f"merge-rule replay needs a BPE vocabulary, not {type(base).__name__}")
        return base
    if name not in METHODS:
        raise OptionError(f"unknown segmenter {name!r}; choose from {', '.join(SEGMENTERS)}")
    return SegmentedModel(base, name)


def _only(name: str, options: dict, allowed: set) -> None:
    unknown = set(options) - allowed
    if unknown:
        raise OptionError(f"segmenter {name!r} takes no option {', '.join(sorted(unknown))} "
                          f"(it takes: {', '.join(sorted(allowed)) or 'none'})")


SEGMENTERS: tuple[str, ...] = ("merges", *METHODS, *STOCHASTIC)
