"""Several scenarios at once: one worker process per core.

Like a depot that opens a second sorting line for the peak: each line
handles whole scenarios, and only a slip with the results comes back to the
office. Each worker runs ``simulate`` and returns what ``reduce(result)``
returns, so a year's shipment log never crosses between processes.

Workers start fresh ("spawn") on every operating system, so ``reduce``
must be a function defined in a module (``stories.summary_and_story``,
``kpis.kpis``), not one defined in a notebook cell. Results are identical
to running the same scenarios one after another.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterable


def _run(job):
    scenario, reduce = job
    from .result import simulate
    result = simulate(scenario)
    return result if reduce is None else reduce(result)


MAX_WORKERS = 4  # each worker needs ~0.4 GB for a default year: four keep a laptop comfortable


def run_many(scenarios: Iterable, reduce: Callable[[Any], Any] | None = None,
             processes: int | None = None) -> list:
    """``[reduce(simulate(s)) for s in scenarios]``, spread over ``processes`` workers.

    The default is one worker per core, at most ``MAX_WORKERS``; ``processes=1`` runs them here, one by one.
    """
    jobs = [(scenario, reduce) for scenario in scenarios]
    workers = min(len(jobs), processes or min(os.cpu_count() or 1, MAX_WORKERS))
    if workers <= 1:
        return [_run(job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_run, jobs))
