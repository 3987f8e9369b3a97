"""Runs spread over worker processes give exactly what one-by-one runs give; the presets' story numbers."""
import math

import pandas as pd

from courier_sim import batch, kpis, preset, simulate, stories

TINY = dict(customers=60, prospects=40, days=30)


def test_parallel_runs_equal_one_by_one_runs():
    scenarios = [preset("baseline", seed=1, **TINY), preset("sales_push", seed=2, **TINY)]
    expected = [kpis.kpis(simulate(s)) for s in scenarios]
    assert batch.run_many(scenarios, reduce=kpis.kpis, processes=2) == expected
    assert batch.run_many(scenarios, reduce=kpis.kpis, processes=1) == expected


def test_without_reduce_the_whole_result_comes_back():
    (result,) = batch.run_many([preset("baseline", seed=3, **TINY)])
    pd.testing.assert_frame_equal(result.shipments, simulate(preset("baseline", seed=3, **TINY)).shipments)


def test_double11_week_is_8_to_14_november_of_the_run():
    assert stories.double11_week(preset("baseline")) == (pd.Timestamp("2025-11-08"), pd.Timestamp("2025-11-15"))
    assert stories.double11_week(preset("baseline", days=90)) is None


def test_story_of_a_run_without_the_windows_says_so():
    run = simulate(preset("baseline", seed=4, **TINY))
    story = stories.story(run)
    assert math.isnan(story["d11_week_on_time"]) and story["d11_week_complaints"] == 0
    assert story["won"] == int((run.sales["result"] == "won").sum())
    assert story["new_electronics"] == 0  # no electronics market opened


def test_story_measures_the_hub_outage_window():
    outage = preset("hub_outage", seed=5, customers=300, prospects=100, days=200)
    normal = outage.replace(hub_outage_days=0)
    assert stories.story(simulate(outage))["outage_on_time"] < stories.story(simulate(normal))["outage_on_time"] - 0.1
