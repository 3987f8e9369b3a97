"""BG/NBD: how often a casual sender comes back, and whether it still will.

Picture a regular at a corner shop: while "alive" they drop in at their own
pace (a Poisson rate that differs from person to person, gamma-distributed),
and after every visit there is a small chance they never come again (a
probability that differs too, beta-distributed). From each customer's count of
repeat visits, the time of the last one and how long we have watched them, the
model (Fader, Hardie & Lee 2005, "Counting your customers the easy way")
estimates four numbers, r and alpha for the rates, a and b for the dropout,
and predicts each customer's visits in a later period. The calibration check
R16 fits it to our individual senders, as has been done for the CDNOW shoppers.

Written here rather than taken from a package: the model is a page of maths,
and ``lifetimes`` (the usual choice) is no longer maintained and would bring
scipy and autograd for this one check.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd


class Params(NamedTuple):
    r: float
    alpha: float
    a: float
    b: float


class Fit(NamedTuple):
    params: Params
    log_likelihood: float
    converged: bool
    iterations: int


# --- the data: one row per customer ------------------------------------------------------
def summary(weeks: pd.DataFrame, calibration_end: int) -> pd.DataFrame:
    """Frequency x, recency t_x and age (T in the paper), in weeks, per customer, plus holdout counts.

    ``weeks`` has columns ``customer_id`` and ``week`` (an integer week number
    per transaction). A customer is born at its first week before
    ``calibration_end``; x counts the further weeks with a transaction up to
    then, t_x is the last of them after birth, T the weeks from birth to the
    end. ``holdout`` counts weeks with a transaction from ``calibration_end`` on.
    """
    w = weeks[["customer_id", "week"]].drop_duplicates()
    cal = w[w["week"] < calibration_end]
    g = cal.groupby("customer_id")["week"]
    out = pd.DataFrame({"first": g.min(), "last": g.max(), "n": g.size()})
    out["x"] = out["n"] - 1
    out["t_x"] = out["last"] - out["first"]
    out["age"] = calibration_end - out["first"]  # not "T": DataFrame.T is the transpose
    hold = w[w["week"] >= calibration_end].groupby("customer_id").size()
    out["holdout"] = hold.reindex(out.index).fillna(0).astype(int)
    return out[["x", "t_x", "age", "holdout"]]


# --- the likelihood -------------------------------------------------------------------------
def _lgamma(values: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(v) for v in values])


def log_likelihood(p: Params, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> float:
    """Sum over customers of the BG/NBD log-likelihood (FHL 2005, equation 6)."""
    r, alpha, a, b = p
    # x takes few distinct values: compute the gamma terms once per value
    levels, which = np.unique(x, return_inverse=True)
    a1 = (_lgamma(r + levels) - math.lgamma(r))[which] + r * math.log(alpha)
    a2 = (math.lgamma(a + b) + _lgamma(b + levels) - math.lgamma(b) - _lgamma(a + b + levels))[which]
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full(len(x), -np.inf)
    a4[repeat] = (math.log(a) - np.log(b + x[repeat] - 1.0) - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


# --- fitting: Nelder-Mead on the log parameters --------------------------------------------
def _nelder_mead(f, start: np.ndarray, step: float = 0.5, tol: float = 1e-8, max_iter: int = 4000):
    """Minimise f from ``start``; returns (best point, best value, converged, iterations)."""
    n = len(start)
    simplex = [start] + [start + step * np.eye(n)[i] for i in range(n)]
    values = [f(s) for s in simplex]
    for it in range(1, max_iter + 1):
        order = np.argsort(values)
        simplex, values = [simplex[i] for i in order], [values[i] for i in order]
        if abs(values[-1] - values[0]) <= tol * (abs(values[0]) + tol) and \
                max(np.max(np.abs(s - simplex[0])) for s in simplex[1:]) < 1e-6:
            return simplex[0], values[0], True, it
        centre = np.mean(simplex[:-1], axis=0)
        worst = simplex[-1]
        reflected = centre + (centre - worst)
        fr = f(reflected)
        if fr < values[0]:
            expanded = centre + 2.0 * (centre - worst)
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            inside = fr >= values[-1]
            contracted = centre + 0.5 * ((worst if inside else reflected) - centre)
            fc = f(contracted)
            if fc < min(fr, values[-1]):
                simplex[-1], values[-1] = contracted, fc
            else:  # shrink toward the best point
                simplex = [simplex[0]] + [simplex[0] + 0.5 * (s - simplex[0]) for s in simplex[1:]]
                values = [values[0]] + [f(s) for s in simplex[1:]]
    best = int(np.argmin(values))
    return simplex[best], values[best], False, max_iter


def fit(x, t_x, T) -> Fit:
    """Maximum-likelihood BG/NBD parameters for customers with frequency x, recency t_x, age T."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if len(x) == 0:
        raise ValueError("no customers to fit")
    if (x < 0).any() or (t_x < 0).any() or (t_x > T).any():
        raise ValueError("need 0 <= t_x <= T and x >= 0 for every customer")

    def loss(logp):
        if np.any(np.abs(logp) > 12):  # keep exp() finite; no sensible fit lies out there
            return np.inf
        value = log_likelihood(Params(*np.exp(logp)), x, t_x, T)
        return -value if np.isfinite(value) else np.inf

    # start from the scale of the data: alpha near r divided by the mean weekly rate
    rate = max(float(x.sum() / max(T.sum(), 1e-9)), 1e-3)
    start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
    best, value, converged, iterations = _nelder_mead(loss, start)
    return Fit(Params(*(float(v) for v in np.exp(best))), -float(value), converged, iterations)


# --- prediction --------------------------------------------------------------------------------
def _hyp2f1(a, b, c, z, terms: int = 2000, tol: float = 1e-12) -> np.ndarray:
    """Gauss's hypergeometric series 2F1(a, b; c; z) for 0 <= z < 1, element by element."""
    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    term = np.ones(a.shape)
    total = np.ones(a.shape)
    for j in range(terms):
        term = term * (a + j) * (b + j) / ((c + j) * (j + 1.0)) * z
        total = total + term
        if np.all(np.abs(term) <= tol * np.abs(total)):
            break
    return total


def expected_purchases(p: Params, t: float, x, t_x, T) -> np.ndarray:
    """Expected transactions in the next t weeks for each customer (FHL 2005, equation 10)."""
    r, alpha, a, b = p
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1.0) / (a - 1.0)
    body = 1.0 - ((alpha + T) / (alpha + T + t)) ** (r + x) * _hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    alive_odds = np.where(x > 0, a / np.maximum(b + x - 1.0, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return head * body / (1.0 + alive_odds)


def simulate(p: Params, n: int, calibration_weeks: float, holdout_weeks: float, rng: np.random.Generator) -> pd.DataFrame:
    """Customers drawn from the model itself, all born at week 0: for tests and teaching."""
    lam = rng.gamma(p.r, 1.0 / p.alpha, n)
    drop = rng.beta(p.a, p.b, n)
    rows = []
    end = calibration_weeks + holdout_weeks
    for i in range(n):
        t, times = 0.0, []
        while True:
            t += rng.exponential(1.0 / lam[i]) if lam[i] > 0 else np.inf
            if t >= end:
                break
            times.append(t)
            if rng.random() < drop[i]:
                break
        cal = [s for s in times if s < calibration_weeks]
        rows.append((len(cal), cal[-1] if cal else 0.0, calibration_weeks, len(times) - len(cal)))
    return pd.DataFrame(rows, columns=["x", "t_x", "age", "holdout"])
