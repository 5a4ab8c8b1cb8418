"""``omp``: each new token a k-sparse combination of shared tokens, found by Orthogonal Matching Pursuit.

Goddard & Fernandes Neto, "Training-Free Tokenizer Transplantation via Orthogonal Matching
Pursuit" (2025; implemented in mergekit's ``tokensurgeon``). Tokens both vocabularies share are
*anchors*. In a *donor* space where the new tokens have vectors, each new token is approximated
by ``k`` anchors chosen by OMP; the same coefficients, applied to the anchors' rows of the base
model's matrix, give its new row. Shared tokens keep their rows.

As published (and as mergekit's ``batch_omp``): OMP over the anchors with raw inner products
(atoms not normalised), ``k = 64`` by default, coefficients from the least-squares refit, applied
alike to the input embeddings and an untied output head. With ``donor=`` a matrix indexed by the
new vocabulary (the input embeddings of a model that already uses the new tokenizer, as in the
paper, or an auxiliary static embedding), the method is the paper's; the tests check that the
atoms and coefficients equal mergekit's ``batch_omp`` on the same inputs.

Adapted:

* Without a donor (the default), the donor space is the model's own input embeddings
  (``ctx.input_embeddings``): anchors are their rows, and a new token's target is the mean of the
  rows of its old-tokenizer pieces (as :mod:`.fvt` computes it). OMP then re-expresses that
  target through the anchors, and the coefficients carry it to the matrix being initialised
  (which differs from the donor space for an untied head).
* For speed at large vocabularies (the paper runs on a GPU): each target chooses among its
  ``candidates`` (default 1,024) most correlated anchors rather than all of them, and when the
  donor is wider than ``subspace`` (default 512) OMP runs in the donor's top principal subspace
  of that width. Both are exact when not reached (fewer anchors, narrower donors); the solver is
  :mod:`tokensmith.transplant.omp_solver` (Batch-OMP).
* A new token whose text the old vocabulary cannot spell (and, with a donor, none) keeps the
  mean row, as in :mod:`.copy_shared`.

Options: ``k`` (atoms per token), ``donor`` (array ``[new_vocab, d]`` or a ``.npy`` file),
``candidates``, ``subspace``.
"""

from __future__ import annotations

import numpy as np

from ...errors import OptionError
from ..context import TransplantContext
from ..decompose import decompositions
from ..omp_solver import batch_omp
from ..rows import copy_shared, shared_arrays
from .fvt import piece_means

DEFAULTS = {"k": 64, "donor": None, "candidates": 1024, "subspace": 512}


def _options(ctx: TransplantContext) -> dict:
    known = {name: ctx.options.get(name, default) for name, default in DEFAULTS.items()}
    unknown = sorted(set(ctx.options) - set(DEFAULTS))
    if unknown:
        raise OptionError(f"omp has no option {unknown[0]!r}; its options: {', '.join(DEFAULTS)}")
    if not isinstance(known["k"], int) or known["k"] < 1:
        raise OptionError(f"omp option k must be a positive integer, got {known['k']!r}")
    return known


def _donor_matrix(ctx: TransplantContext, donor) -> np.ndarray:
    if isinstance(donor, str):
        try:
            donor = np.load(donor)
        except (OSError, ValueError) as exc:
            raise OptionError(f"omp donor {donor!r}: cannot read as a .npy matrix ({exc})") from None
    donor = np.asarray(donor, dtype=np.float32)
    if donor.ndim != 2 or donor.shape[0] < ctx.new_vocab_size:
        raise OptionError(f"omp donor matrix has shape {donor.shape}; it needs one row per new token "
                          f"({ctx.new_vocab_size})")
    return donor


def principal_subspace(atoms: np.ndarray, width: int, seed: int) -> np.ndarray:
    """An orthonormal basis ``[d, width]`` of the top principal directions of ``atoms`` (rows),
    by a randomized SVD (Halko, Martinsson & Tropp, 2011) with two power iterations."""
    rng = np.random.default_rng(seed)
    sketch = atoms.T @ (atoms @ rng.standard_normal((atoms.shape[1], width + 16)).astype(np.float32))
    for _ in range(2):
        sketch, _ = np.linalg.qr(sketch)
        sketch = atoms.T @ (atoms @ sketch)
    basis, _ = np.linalg.qr(sketch)
    small = basis.T @ (atoms.T @ (atoms @ basis))
    values, vectors = np.linalg.eigh(small.astype(np.float64))
    top = vectors[:, np.argsort(values)[::-1][:width]].astype(np.float32)
    return basis @ top


def initialize(ctx: TransplantContext, matrix: np.ndarray) -> np.ndarray:
    opts = _options(ctx)
    matrix = np.asarray(matrix, dtype=np.float32)
    out, todo = copy_shared(ctx, matrix)
    new_anchor, old_anchor = shared_arrays(ctx)
    if not len(new_anchor):
        return out
    targets_ids = np.flatnonzero(todo)
    if opts["donor"] is not None:
        donor = _donor_matrix(ctx, opts["donor"])
        atoms, targets = donor[new_anchor], donor[targets_ids]
    else:
        space = matrix if ctx.input_embeddings is None else np.asarray(ctx.input_embeddings, dtype=np.float32)
        targets, has = piece_means(space, decompositions(ctx, targets_ids))
        targets_ids = targets_ids[has]
        atoms = space[old_anchor]
    if not len(targets_ids):
        return out
    if atoms.shape[1] > opts["subspace"]:
        basis = principal_subspace(atoms, opts["subspace"], ctx.seed)
        atoms, targets = atoms @ basis, targets @ basis
    report = None
    if ctx.progress is not None:
        report = lambda done, total: ctx.progress("omp", done, total)  # noqa: E731
    index, coef = batch_omp(targets, atoms, opts["k"], candidates=opts["candidates"], progress=report)
    base = matrix[old_anchor]
    for begin in range(0, len(targets_ids), 4096):  # bounded [chunk, k, width] gathers
        part = slice(begin, begin + 4096)
        rows = np.einsum("bk,bkd->bd", coef[part].astype(np.float32), base[index[part]])
        out[targets_ids[part]] = rows
    return out
