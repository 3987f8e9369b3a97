"""Invariants every run must keep, determinism, and a small golden regression table."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from courier_sim import preset, records, simulate
from courier_sim.population import PROSPECT_ID_OFFSET, apportion

GOLDEN = Path(__file__).parent / "golden" / "small_run_summary.csv"


def check_invariants(r):
    """The rules any result obeys, whatever the scenario."""
    s, c, k = r.shipments, r.customers, r.complaints
    for name, cls in records.TABLES.items():
        assert list(r.tables[name].columns) == list(cls._fields), name
    delivered = s["delivered"].notna()
    assert (s.loc[delivered, "delivered"] > s.loc[delivered, "created"]).all()
    assert (s["picked_up"] >= s["created"]).all() and (s["promised"] > s["created"]).all()
    assert s.loc[~delivered, "outcome"].eq("lost").all()
    assert (s["price"] > 0).all() and (s["cost"] > 0).all() and (s["weight_kg"] > 0).all()
    assert s["shipment_id"].is_unique and c["customer_id"].is_unique
    # a churned customer ships no more with us
    churn = s.merge(c[["customer_id", "churn_date"]], on="customer_id")
    assert not (churn["created"] >= churn["churn_date"]).any()
    # shippers were ours at the time
    assert set(s["customer_id"]) <= set(c.loc[c["joined"].notna(), "customer_id"])
    joined = s.merge(c[["customer_id", "joined"]], on="customer_id")
    assert (joined["created"] >= joined["joined"]).all()
    # every complaint refers to a shipment of the same customer, after it was created
    m = k.merge(s[["shipment_id", "customer_id", "created"]], on="shipment_id", suffixes=("", "_s"), how="left")
    assert m["customer_id_s"].notna().all() and (m["customer_id"] == m["customer_id_s"]).all()
    assert (m["opened"] >= m["created"]).all()
    assert (k["responded"] >= k["opened"]).all() and (k["resolved"] >= k["responded"]).all()
    # churn kinds only for churned customers; churned customers are no longer ours
    assert (c["churn_date"].notna() == c["churn_kind"].notna()).all()
    assert (c.loc[c["churn_date"].notna(), "courier"] != "us").all()
    # daily totals agree with the shipment log
    d = r.daily[r.daily["segment"] == "all"]
    assert d["parcels"].sum() == len(s)
    assert d["complaints"].sum() == len(k)
    assert len(d) == r.scenario.days


def test_invariants_small_run(small_result):
    check_invariants(small_result)


def test_invariants_full_year(year_result):
    check_invariants(year_result)


def test_type_counts_match_the_scenario_mix(small_result, small_scenario):
    c = small_result.customers
    ours = c[c["customer_id"] < PROSPECT_ID_OFFSET]
    counts = ours["customer_type"].value_counts()
    for t, share in small_scenario.shares.items():
        assert abs(counts[t] - share * small_scenario.customers) <= 1


def test_apportion_prefixes_are_stable_and_counts_exact():
    shares = [0.2, 0.5, 0.3]
    long, short = apportion(shares, 101), apportion(shares, 100)
    assert (long[:100] == short).all()
    assert list(np.bincount(short)) == [20, 50, 30]


def test_same_seed_gives_identical_tables_and_another_seed_does_not(small_scenario, small_result):
    again = simulate(small_scenario)
    for name in records.TABLES:
        pd.testing.assert_frame_equal(small_result.tables[name], again.tables[name])
    other = simulate(small_scenario.replace(seed=small_scenario.seed + 1))
    assert not small_result.shipments["created"].equals(other.shipments["created"])


def test_adding_a_customer_leaves_the_others_shipping_times_unchanged(small_scenario, small_result):
    bigger = simulate(small_scenario.replace(customers=small_scenario.customers + 1))
    a, b = small_result.customers.set_index("customer_id"), bigger.customers.set_index("customer_id")
    same = a.index[(a["churn_date"].fillna(pd.Timestamp.max) == b["churn_date"].reindex(a.index).fillna(pd.Timestamp.max))]
    assert len(same) > 0.95 * len(a)
    same = same[same < PROSPECT_ID_OFFSET]  # day-1 customers: whom the sales team wins may differ
    def times(r):
        s = r.shipments[r.shipments["customer_id"].isin(same)]
        return s.groupby("customer_id")["created"].apply(list)
    assert times(small_result).equals(times(bigger))
    new_id = small_scenario.customers + 1
    assert (bigger.shipments["customer_id"] == new_id).any() or b.loc[new_id, "regular"] == False  # noqa: E712


def test_regular_enterprises_ship_on_weekdays_individuals_any_day(year_result):
    s = year_result.shipments.merge(year_result.customers[["customer_id", "customer_type", "regular"]], on="customer_id")
    weekday = s["created"].dt.day_of_week
    enterprise = s[(s["customer_type"] == "enterprise") & s["regular"]]
    assert (weekday[enterprise.index] < 5).all()
    individual = s[s["customer_type"] == "individual"]
    assert (weekday[individual.index] >= 5).mean() > 0.15


def test_failures_rise_when_volume_exceeds_capacity():
    tight = simulate(preset("baseline", customers=300, prospects=0, days=60, seed=5, capacity_ratio=0.8))
    loose = simulate(preset("baseline", customers=300, prospects=0, days=60, seed=5, capacity_ratio=2.0))
    late = lambda r: (r.shipments["outcome"] == "late").mean()  # noqa: E731
    assert late(tight) > late(loose) + 0.05
    # arrivals barely depend on capacity (only through customers who leave sooner)
    assert abs(len(tight.shipments) - len(loose.shipments)) <= 0.01 * len(loose.shipments)


def _summary(r) -> pd.DataFrame:
    s = r.shipments.merge(r.customers[["customer_id", "customer_type"]], on="customer_id")
    table = s.groupby(["customer_type", "outcome"], observed=True).agg(
        parcels=("shipment_id", "size"), revenue=("price", "sum"), cost=("cost", "sum")).reset_index()
    table["customer_type"] = table["customer_type"].astype(str)
    table["outcome"] = table["outcome"].astype(str)
    return table.round(2)


def test_golden_summary_of_a_small_run():
    result = simulate(preset("baseline", customers=80, prospects=40, days=40, seed=11))
    table = _summary(result)
    if os.environ.get("COURIER_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        table.to_csv(GOLDEN, index=False, encoding="utf-8")
    expected = pd.read_csv(GOLDEN, encoding="utf-8")
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected, check_dtype=False, rtol=1e-9)
