"""The linear program of data-mixture inference, grown a few constraints at a time.

Variables: the K mixture weights ``α`` (``Σ α = 1``, ``α ≥ 0``), a slack ``v_t ≥ 0`` per merge and
``v_p ≥ 0`` per pair, each created with the first constraint that holds it; the objective is the
sum of the slacks. A constraint ``(t, p)`` reads ``Σ_i a_i α_i + v_t + v_p ≥ 0``.

HiGHS solves it: through ``highspy`` when installed, which keeps the model and re-solves from the
last basis after rows are added (dual simplex; the paper re-solved Gurobi's model the same way),
else through ``scipy.optimize.linprog(method="highs")``, which builds and solves the whole program
again each round (same answer, slower as the program grows).

Rows left slack (not binding) by the last solve are taken out again (:meth:`MixtureLP.prune`):
most competitors a round adds stop mattering once the weights move, and the dual simplex pays for
every row at every re-solve. The caller forgets them too, so a row
that is violated again later comes back; the end test (no constraint of the whole program
violated) does not depend on which rows are held, so the answer is the same. Rows are taken out
only after a solve that raised the objective (the usual rule of cutting-plane methods): while it
stalls on a degenerate optimum every row stays, so rounds cannot cycle.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError

ACTIVE = 1e-9   # a row whose left side is at most this is binding


class MixtureLP:
    def __init__(self, k: int, prune: bool = True):
        self.k = k
        self.pruning = prune
        self.merge_col: dict[int, int] = {}
        self.pair_col: dict[int, int] = {}
        self.n_cols = k
        self.keys = np.zeros((0, 2), dtype=np.int64)       # (t, p) of each row
        self.a = np.zeros((0, k))
        self.col_t = np.zeros(0, dtype=np.int64)
        self.col_p = np.zeros(0, dtype=np.int64)
        self._x = np.zeros(0)
        self._objective = 0.0
        self._pruned_at = -np.inf         # the objective when rows were last taken out
        try:
            import highspy
        except ImportError:
            self._h = None
        else:
            self._h = highspy.Highs()
            self._h.setOptionValue("output_flag", False)
            # Re-solves start from the last basis: presolve would discard it.
            self._h.setOptionValue("presolve", "off")
            self._h.setOptionValue("solver", "simplex")
            self._inf = highspy.kHighsInf
            self._h.addVars(k, np.zeros(k), np.full(k, self._inf))
            self._h.addRows(1, np.array([1.0]), np.array([1.0]), k, np.array([0], dtype=np.int32),
                            np.arange(k, dtype=np.int32), np.ones(k))

    @property
    def constraints(self) -> int:
        return len(self.keys)

    def _column(self, table: dict[int, int], key: int, new: list[int]) -> int:
        if key not in table:
            table[key] = self.n_cols
            self.n_cols += 1
            new.append(table[key])
        return table[key]

    def add(self, rows: list[tuple[int, int]], coefficients: np.ndarray) -> None:
        new_cols: list[int] = []
        col_t = np.array([self._column(self.merge_col, t, new_cols) for t, _ in rows], dtype=np.int64)
        col_p = np.array([self._column(self.pair_col, p, new_cols) for _, p in rows], dtype=np.int64)
        self.keys = np.concatenate([self.keys, np.array(rows, dtype=np.int64).reshape(-1, 2)])
        self.a = np.concatenate([self.a, coefficients])
        self.col_t = np.concatenate([self.col_t, col_t])
        self.col_p = np.concatenate([self.col_p, col_p])
        if self._h is None:
            return
        n = len(new_cols)
        if n:
            self._h.addVars(n, np.zeros(n), np.full(n, self._inf))
            self._h.changeColsCost(n, np.array(new_cols, dtype=np.int32), np.ones(n))
        m = len(rows)
        width = self.k + 2
        index = np.empty((m, width), dtype=np.int32)
        index[:, :self.k] = np.arange(self.k)
        index[:, self.k] = col_t
        index[:, self.k + 1] = col_p
        value = np.ones((m, width))
        value[:, :self.k] = coefficients
        self._h.addRows(m, np.zeros(m), np.full(m, self._inf), m * width,
                        np.arange(0, m * width, width, dtype=np.int32), index.ravel(), value.ravel())

    def solve(self) -> tuple[np.ndarray, dict[int, float], dict[int, float], float]:
        """``(α, v_t by merge, v_p by pair, objective)``."""
        x, objective = self._run_highspy() if self._h is not None else self._run_scipy()
        self._x, self._objective = x, objective
        v_t = {t: x[c] for t, c in self.merge_col.items()}
        v_p = {p: x[c] for p, c in self.pair_col.items()}
        return x[:self.k], v_t, v_p, objective

    def prune(self) -> np.ndarray:
        """Take out the rows the last solve left slack; returns their (t, p)."""
        none = np.zeros((0, 2), dtype=np.int64)
        if not self.pruning:
            return none
        x = self._x
        drop = self.a @ x[:self.k] + x[self.col_t] + x[self.col_p] > ACTIVE
        if not drop.any() or self._objective <= self._pruned_at + 1e-9 * (1 + abs(self._objective)):
            return none
        self._pruned_at = self._objective
        if self._h is not None:
            # row 0 is Σ α = 1; a slack row's deletion keeps the basis valid
            rows = np.flatnonzero(drop).astype(np.int32) + 1
            self._h.deleteRows(len(rows), rows)
        dropped = self.keys[drop]
        keep = ~drop
        self.keys, self.a = self.keys[keep], self.a[keep]
        self.col_t, self.col_p = self.col_t[keep], self.col_p[keep]
        return dropped

    def _run_highspy(self):
        import highspy

        self._h.run()
        status = self._h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise InputError(f"the linear program could not be solved: {self._h.modelStatusToString(status)}")
        return np.array(self._h.getSolution().col_value), float(self._h.getInfo().objective_function_value)

    def _run_scipy(self):
        from scipy.optimize import linprog
        from scipy.sparse import coo_matrix, hstack

        m = len(self.keys)
        rows = np.arange(m)
        a = hstack([coo_matrix(-self.a),
                    coo_matrix((-np.ones(2 * m), (np.concatenate([rows, rows]),
                                                  np.concatenate([self.col_t, self.col_p]) - self.k)),
                               shape=(m, self.n_cols - self.k))]).tocsr()
        cost = np.concatenate([np.zeros(self.k), np.ones(self.n_cols - self.k)])
        a_eq = np.concatenate([np.ones(self.k), np.zeros(self.n_cols - self.k)])[None, :]
        res = linprog(cost, A_ub=a, b_ub=np.zeros(m), A_eq=a_eq, b_eq=[1.0], bounds=(0, None), method="highs")
        if res.status != 0:
            raise InputError(f"the linear program could not be solved: {res.message}")
        return res.x, float(res.fun)
