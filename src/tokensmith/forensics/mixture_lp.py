"""The linear program of data-mixture inference, grown a few constraints at a time.

Variables: the K mixture weights ``α`` (``Σ α = 1``, ``α ≥ 0``), a slack ``v_t ≥ 0`` per merge and
``v_p ≥ 0`` per pair, each created with the first constraint that holds it; the objective is the
sum of the slacks. A constraint ``(t, p)`` reads ``Σ_i a_i α_i + v_t + v_p ≥ 0``.

HiGHS solves it: through ``highspy`` when installed, which keeps the model and re-solves from the
last basis after rows are added (dual simplex; the paper re-solved Gurobi's model the same way),
else through ``scipy.optimize.linprog(method="highs")``, which builds and solves the whole program
again each round (same answer, slower as the program grows).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError


class MixtureLP:
    def __init__(self, k: int):
        self.k = k
        self.merge_col: dict[int, int] = {}
        self.pair_col: dict[int, int] = {}
        self.rows_a: list[np.ndarray] = []
        self.rows_t: list[int] = []
        self.rows_p: list[int] = []
        self.n_cols = k
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
        return len(self.rows_t)

    def _column(self, table: dict[int, int], key: int, new: list[int]) -> int:
        if key not in table:
            table[key] = self.n_cols
            self.n_cols += 1
            new.append(table[key])
        return table[key]

    def add(self, rows: list[tuple[int, int]], coefficients: np.ndarray) -> None:
        new_cols: list[int] = []
        cols = [(self._column(self.merge_col, t, new_cols), self._column(self.pair_col, p, new_cols))
                for t, p in rows]
        self.rows_a.extend(coefficients)
        self.rows_t.extend(c[0] for c in cols)
        self.rows_p.extend(c[1] for c in cols)
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
        index[:, self.k] = [c[0] for c in cols]
        index[:, self.k + 1] = [c[1] for c in cols]
        value = np.ones((m, width))
        value[:, :self.k] = coefficients
        self._h.addRows(m, np.zeros(m), np.full(m, self._inf), m * width,
                        np.arange(0, m * width, width, dtype=np.int32), index.ravel(), value.ravel())

    def solve(self) -> tuple[np.ndarray, dict[int, float], dict[int, float], float]:
        """``(α, v_t by merge, v_p by pair, objective)``."""
        x, objective = self._run_highspy() if self._h is not None else self._run_scipy()
        v_t = {t: x[c] for t, c in self.merge_col.items()}
        v_p = {p: x[c] for p, c in self.pair_col.items()}
        return x[:self.k], v_t, v_p, objective

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

        m = len(self.rows_t)
        rows = np.arange(m)
        a = hstack([coo_matrix(-np.asarray(self.rows_a)),
                    coo_matrix((-np.ones(2 * m), (np.concatenate([rows, rows]),
                                                  np.array(self.rows_t + self.rows_p) - self.k)),
                               shape=(m, self.n_cols - self.k))]).tocsr()
        cost = np.concatenate([np.zeros(self.k), np.ones(self.n_cols - self.k)])
        a_eq = np.concatenate([np.ones(self.k), np.zeros(self.n_cols - self.k)])[None, :]
        res = linprog(cost, A_ub=a, b_ub=np.zeros(m), A_eq=a_eq, b_eq=[1.0], bounds=(0, None), method="highs")
        if res.status != 0:
            raise InputError(f"the linear program could not be solved: {res.message}")
        return res.x, float(res.fun)
