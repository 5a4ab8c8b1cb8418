"""Batched Orthogonal Matching Pursuit in numpy: sparse codes of many targets over one dictionary.

OMP (Pati, Rezaiifar & Krishnaprasad, 1993) approximates a target ``y`` by ``k`` atoms of a
dictionary ``A``: at each step it adds the atom with the largest ``|<residual, a>|`` and refits
all coefficients by least squares on the atoms chosen so far. Atoms are not normalised, as in
mergekit's ``batch_omp`` (the reference implementation of OMP tokenizer transplantation).

This is Batch-OMP (Rubinstein, Zibulevsky & Elad, 2008): with the Gram matrix ``G = A Aᵀ`` and
the correlations ``α⁰ = A y``, the residual never needs forming — ``α = α⁰ - G[:, S] c`` — and the
least squares are solved through an incrementally grown inverse Cholesky factor of ``G[S, S]``.
Every step is a batched numpy operation over many targets at once; the state is float64.

Two bounds keep large problems in seconds (both exact when not reached):

* ``candidates``: a target chooses among the ``candidates`` atoms most correlated with it at the
  start (all atoms when there are fewer);
* the Gram matrix is precomputed when it fits ``gram_bytes``; otherwise the rows a step needs are
  computed from the candidates' atoms.

An atom linearly dependent on those already chosen (duplicate rows) gets coefficient 0 and ends
that target's selection.
"""

from __future__ import annotations

import numpy as np

DEPENDENT = 1e-6  # relative pivot (squared) below which an atom adds nothing float32 can resolve


def batch_omp(targets: np.ndarray, atoms: np.ndarray, k: int, *, candidates: int | None = 1024,
              batch_size: int | None = None, gram_bytes: int = 2 << 30,
              progress=None) -> tuple[np.ndarray, np.ndarray]:
    """``(indices, coefficients)``, each ``[len(targets), k]``: ``targets ≈ Σ coef * atoms[idx]``.

    ``batch_size``: targets solved together (by default as many as keep the per-target state
    near 8 MB, so that it stays in cache). ``progress(done, total)`` is called after each batch."""
    targets = np.asarray(targets)
    atoms = np.asarray(atoms)
    n_atoms = atoms.shape[0]
    k = min(k, n_atoms)
    m = n_atoms if candidates is None else min(n_atoms, max(candidates, k))
    gram = None
    if n_atoms * n_atoms * 4 <= gram_bytes:
        gram = atoms @ atoms.T
    if batch_size is None:
        batch_size = int(np.clip((8 << 20) // (4 * k * m), 8, 512))
    indices = np.zeros((len(targets), k), dtype=np.int64)
    coefs = np.zeros((len(targets), k), dtype=np.float64)
    for begin in range(0, len(targets), batch_size):
        y = targets[begin:begin + batch_size]
        alpha0 = (y @ atoms.T).astype(np.float64)
        if m < n_atoms:
            # sorted: ties go to the lowest atom, as over all atoms, and Gram rows are read in order
            cand = np.sort(np.argpartition(-np.abs(alpha0), m - 1, axis=1)[:, :m], axis=1)
            alpha0 = np.take_along_axis(alpha0, cand, axis=1)
        else:
            cand = None
        idx, coef = _omp_batch(alpha0, cand, k, gram, atoms)
        coef = _refit(y, atoms, idx, coef != 0)
        indices[begin:begin + len(y)] = idx
        coefs[begin:begin + len(y)] = coef
        if progress is not None:
            progress(begin + len(y), len(targets))
    return indices, coefs


def _refit(y: np.ndarray, atoms: np.ndarray, index: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The least-squares coefficients of ``y`` on its chosen atoms, solved again in float64 from
    the atoms themselves (the selection's running products are float32); atoms the selection
    rejected as dependent keep coefficient 0."""
    chosen = atoms[index].astype(np.float64) * kept[:, :, None]
    gram = chosen @ chosen.transpose(0, 2, 1)
    gram[:, np.arange(index.shape[1]), np.arange(index.shape[1])] += ~kept  # 1 on rejected diagonals
    rhs = np.einsum("bkd,bd->bk", chosen, np.asarray(y, dtype=np.float64))
    return np.linalg.solve(gram, rhs[..., None])[..., 0]


def _omp_batch(alpha0: np.ndarray, cand: np.ndarray | None, k: int, gram, atoms):
    """One batch of Batch-OMP. With ``S`` the atoms chosen so far and ``L⁻¹`` the inverse
    Cholesky factor of ``G[S, S]``, ``P = G[:, S] L⁻ᵀ`` (the atoms' products with the orthonormal
    basis of ``span S``) and ``z = L⁻¹ α⁰[S]`` each grow by one column per step, the correlations
    follow by a rank-one update ``α -= P[:, t] z[t]``, and the coefficients are ``L⁻ᵀ z``."""
    b, m = alpha0.shape
    rows = np.arange(b)
    cand_atoms = atoms[cand] if (gram is None and cand is not None) else None

    def gram_rows(j):  # G[chosen atom, every candidate], [b, m]
        chosen = j if cand is None else cand[rows, j]
        if gram is not None:
            return gram[chosen] if cand is None else gram[chosen[:, None], cand]
        if cand is None:
            return atoms[chosen] @ atoms.T
        return np.einsum("bd,bmd->bm", atoms[chosen], cand_atoms)

    chosen = np.zeros((b, k), dtype=np.int64)      # positions among the candidates
    linv = np.zeros((b, k, k))                     # inverse Cholesky factor of G[S, S]
    proj = np.zeros((b, k, m), dtype=np.float32)   # P transposed: row t is G[candidates, S] L⁻ᵀ[:, t]
    z = np.zeros((b, k))
    active = np.ones(b, dtype=bool)
    score = np.abs(alpha0)
    alpha = alpha0.copy()
    for t in range(k):
        j = np.argmax(score, axis=1)
        g = gram_rows(j).astype(np.float32)
        gjj = g[rows, j].astype(np.float64)
        w = proj[rows, :t, j].astype(np.float64)   # L⁻¹ G[S, j]
        pivot = gjj - np.einsum("bi,bi->b", w, w)
        ok = active & (pivot > DEPENDENT * np.maximum(np.abs(gjj), 1e-300))
        d = np.sqrt(np.where(ok, pivot, 1.0))
        scale = np.where(ok, 1.0 / d, 0.0)
        if t:
            linv[:, t, :t] = -np.einsum("bi,bij->bj", w, linv[:, :t, :t]) * scale[:, None]
            g -= (w[:, None, :].astype(np.float32) @ proj[:, :t])[:, 0]
        linv[:, t, t] = scale
        proj[:, t] = g * scale[:, None].astype(np.float32)
        z[:, t] = (alpha0[rows, j] - np.einsum("bi,bi->b", w, z[:, :t])) * scale
        alpha -= proj[:, t] * z[:, t, None]
        chosen[:, t] = j
        active &= ok
        np.abs(alpha, out=score)
        score[rows[:, None], chosen[:, :t + 1]] = -np.inf
    coef = np.einsum("bji,bj->bi", linv, z)
    index = chosen if cand is None else np.take_along_axis(cand, chosen, axis=1)
    return index, coef
