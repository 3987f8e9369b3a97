"""Each student's own dataset: a small simulated branch drawn from the student's seed.

Small on purpose (a few hundred customers, half a year) so an exercise
notebook runs in seconds. Runs are cached per process by scenario, so binding
five questions, or the grader's final sweep, simulates once.

Students see a *view* of the run: latent columns the simulator uses to drive
behaviour (true value level, satisfaction, preference weights, expectations)
are removed, as the design asks, because a real branch cannot observe them.
Checks compute expected answers from the same view, so every answer is
computable by the student.
"""
from __future__ import annotations

from functools import lru_cache

# What a task runs unless it says otherwise: ~500 customers and prospects, 180 days.
DEFAULT_SCENARIO: dict = {"preset": "baseline", "customers": 300, "prospects": 200, "days": 180}

_LATENT_CUSTOMER_COLUMNS = (
    "value_level", "satisfaction",
    "w_price", "w_speed", "w_safety", "w_convenience", "w_value_added", "w_brand",
    "exp_price", "exp_speed", "exp_safety", "exp_convenience", "exp_value_added", "exp_brand",
)
HIDDEN_COLUMNS: dict[str, tuple[str, ...]] = {"customers": _LATENT_CUSTOMER_COLUMNS}


def _freeze(spec: dict) -> tuple:
    return tuple(sorted(spec.items()))


@lru_cache(maxsize=8)
def _run(frozen_spec: tuple, seed: int):
    from ..result import simulate
    from ..scenario import preset
    spec = dict(frozen_spec)
    name = spec.pop("preset", "baseline")
    return simulate(preset(name, **{**spec, "seed": seed}))


def simulate_spec(spec: dict | None, seed: int):
    """The full run (all columns) of ``spec`` with ``seed``; cached, so never modify it."""
    return _run(_freeze({**DEFAULT_SCENARIO, **(spec or {})}), int(seed))


def student_view(result, hidden: dict[str, tuple[str, ...]] | None = None):
    """A deep copy of ``result`` without the hidden columns (a student may modify it freely)."""
    from ..result import Result
    hidden = HIDDEN_COLUMNS if hidden is None else hidden
    tables = {}
    for name, df in result.tables.items():
        drop = [c for c in hidden.get(name, ()) if c in df.columns]
        tables[name] = df.drop(columns=drop).copy(deep=True)
    return Result(result.scenario, tables)


def clear_cache() -> None:
    _run.cache_clear()
