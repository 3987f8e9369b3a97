"""Speed and memory of the simulator, against a bare numpy + pandas generator.

Scenario: a teacher wants to know whether a classroom run feels instant and
how far the engine's behaviour (capacity, complaints, churn, SimPy
processes) costs over simply drawing random parcels. Each measurement runs
in a fresh child process so its peak memory is its own.

Run: ``python benchmarks/speed.py`` (prints a table; asserts nothing).
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

REPEATS = 3
CASES = (("default year (2,000 customers)", 2_000), ("20,000 customers x 1 year", 20_000))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure_simulator(customers: int) -> dict:
    from courier_sim import preset, simulate
    # A bigger branch gets proportionally more complaint handlers and salespeople:
    # 3 handlers for 20,000 customers would only measure an endless queue.
    scale = customers / 2_000
    scenario = preset("baseline", customers=customers, prospects=int(0.75 * customers),
                      service_staff=max(3, round(3 * scale)), sales_reps=max(3, round(3 * scale)))
    from courier_sim import population
    from courier_sim.engine import Engine
    from courier_sim.result import build_tables
    simulate(scenario.replace(days=14))  # warm imports and caches
    best, n, phases = float("inf"), 0, {}
    for _ in range(REPEATS):
        # the three steps of simulate(), timed apart: where does a run's time go?
        t0 = time.perf_counter()
        market = population.draw(scenario)
        t1 = time.perf_counter()
        engine = Engine(scenario, market).run()
        t2 = time.perf_counter()
        n = len(build_tables(engine)["shipments"])
        t3 = time.perf_counter()
        if t3 - t0 < best:
            best, phases = t3 - t0, {"market": t1 - t0, "engine": t2 - t1, "tables": t3 - t2}
        del market, engine
    return {"seconds": best, "shipments": n, "peak_mb": _peak_mb(), **phases}


def measure_bare(n: int) -> dict:
    """The same number of parcels with the same columns, drawn with no behaviour at all."""
    import numpy as np
    import pandas as pd

    from courier_sim.result import fast_frame  # the same frame building as the simulator, for fairness
    rng = np.random.default_rng(1)
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        start = np.datetime64("2024-12-01T00:00", "ns")
        created = start + (rng.random(n) * 365 * 86400e9).astype("timedelta64[ns]")
        transit = (rng.lognormal(0, 0.4, n) * 2 * 86400e9).astype("timedelta64[ns]")
        fast_frame({
            "shipment_id": np.arange(1, n + 1),
            "customer_id": rng.integers(1, 20_000, n),
            "created": created, "picked_up": created, "promised": created + np.timedelta64(3, "D"),
            "delivered": created + transit,
            "product": pd.Categorical.from_codes(rng.integers(0, 5, n), ["standard", "express", "same_day", "economy", "international"]),
            "services": pd.Categorical.from_codes(rng.integers(0, 3, n), ["", "insured", "cod"]),
            "route": pd.Categorical.from_codes(rng.integers(0, 3, n), ["same_city", "inter_city", "international"]),
            "weight_kg": rng.lognormal(0, 0.6, n), "declared_value": rng.lognormal(5, 0.6, n),
            "goods": pd.Categorical.from_codes(rng.integers(0, 6, n), list("abcdef")),
            "price": rng.uniform(5, 30, n), "cost": rng.uniform(3, 20, n),
            "outcome": pd.Categorical.from_codes(rng.integers(0, 6, n), list("abcdef")),
        })
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "shipments": n, "peak_mb": _peak_mb()}


def _child(kind: str, size: int) -> dict:
    code = f"import json, sys; sys.path.insert(0, {repr(sys.path[0])}); import speed; print(json.dumps(speed.measure_{kind}({size})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=sys.path[0])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print(f"{'case':<32}{'shipments':>11}{'sim s':>8}{'sim /s':>12}{'bare s':>8}{'bare /s':>12}{'ratio':>7}{'sim MB':>8}{'bare MB':>8}")
    phases = []
    for label, customers in CASES:
        sim = _child("simulator", customers)
        bare = _child("bare", sim["shipments"])
        sim_rate = sim["shipments"] / sim["seconds"]
        bare_rate = bare["shipments"] / bare["seconds"]
        print(f"{label:<32}{sim['shipments']:>11,}{sim['seconds']:>8.2f}{sim_rate:>12,.0f}{bare['seconds']:>8.2f}"
              f"{bare_rate:>12,.0f}{sim_rate / bare_rate:>7.2f}{sim['peak_mb']:>8.0f}{bare['peak_mb']:>8.0f}")
        phases.append((label, sim))
    print("ratio = simulator throughput / bare generator throughput (1.0 = no cost for behaviour)")
    print()
    print(f"{'where a run goes (best run)':<32}{'market s':>10}{'engine s':>10}{'tables s':>10}")
    for label, sim in phases:
        print(f"{label:<32}{sim['market']:>10.2f}{sim['engine']:>10.2f}{sim['tables']:>10.2f}")
    print("market: drawing the customers; engine: the SimPy year; tables: turning its logs into DataFrames")


if __name__ == "__main__":
    main()
