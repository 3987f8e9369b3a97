"""Analysis helpers on small hand-made tables with answers worked out by hand."""
import math

import numpy as np
import pandas as pd
import pytest

from courier_sim import analysis as A

T = pd.Timestamp


def shipments_of(rows):
    return pd.DataFrame(rows, columns=["customer_id", "created", "price", "cost"]).assign(created=lambda d: pd.to_datetime(d["created"]))


def test_top_share_and_abc_tiers():
    assert A.top_share([50, 30, 10, 5, 5]) == pytest.approx(0.5)
    assert A.top_share([10, 10, 10, 10, 10], 0.4) == pytest.approx(0.4)
    assert math.isnan(A.top_share([]))
    tiers = A.abc_tiers(pd.Series({"a": 50, "b": 30, "c": 10, "d": 5, "e": 5}))
    assert list(tiers) == ["A", "A", "B", "B", "C"]  # share earned above: 0, .5, .8, .9, .95


def test_profitability_counts_retention_spending():
    s = shipments_of([(1, "2025-01-01", 10, 4), (1, "2025-01-02", 10, 4), (2, "2025-01-01", 5, 9)])
    actions = pd.DataFrame({"customer_id": [1], "cost": [3.0]})
    p = A.profitability(s, actions)
    assert p.loc[1, "profit"] == 9 and p.loc[2, "profit"] == -4 and p.loc[1, "parcels"] == 2


def test_rfm_scores_best_customer_highest():
    s = shipments_of([(1, "2025-01-30", 100, 1), (1, "2025-01-29", 100, 1), (1, "2025-01-28", 100, 1),
                      (2, "2025-01-01", 5, 1), (3, "2025-01-20", 50, 1), (3, "2025-01-21", 50, 1)])
    t = A.rfm(s, as_of="2025-02-01", bins=3)
    assert t.loc[1, "rfm"] == "333" and t.loc[2, "rfm"] == "111"
    assert t.loc[1, "recency"] == 2 and t.loc[3, "frequency"] == 2 and t.loc[2, "monetary"] == 5
    assert t.loc[1, "segment"] == "champions" and t.loc[2, "segment"] == "hibernating"


def customers_of(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "joined", "churn_date", "value_level", "treatment"])
    return df.assign(joined=pd.to_datetime(df["joined"]), churn_date=pd.to_datetime(df["churn_date"]))


CUSTOMERS = customers_of([
    (1, "2024-01-01", None, "high", "treated"),
    (2, "2024-01-01", "2024-06-01", "mass", "control"),
    (3, "2024-05-20", None, "mass", "treated"),
    (4, "2024-01-01", None, "mass", "control"),
])


def test_lifecycle_states():
    s = shipments_of([(1, "2024-05-30", 10, 1), (4, "2024-02-01", 10, 1), (3, "2024-05-25", 10, 1)])
    states = A.lifecycle_states(s, CUSTOMERS, "2024-06-10")
    assert states.to_dict() == {1: "active", 2: "churned", 3: "new", 4: "dormant"}


def test_churn_rate_overall_and_by_group():
    assert A.churn_rate(CUSTOMERS, "2024-02-01", "2024-12-31") == pytest.approx(1 / 3)
    by = A.churn_rate(CUSTOMERS, "2024-02-01", "2024-12-31", by="value_level")
    assert by["high"] == 0 and by["mass"] == pytest.approx(0.5)


def test_treatment_effect_difference_and_interval():
    e = A.treatment_effect(CUSTOMERS)
    assert e["treated"] == 0 and e["control"] == 0.5 and e["effect"] == -0.5
    assert e["ci_low"] < -0.5 < e["ci_high"] and e["n_treated"] == 2


def test_funnel_counts_and_conversion():
    sales = pd.DataFrame({
        "method": ["referral", "referral", "direct_mail", "direct_mail"],
        "lead_date": pd.to_datetime(["2025-01-01"] * 4),
        "qualified": pd.to_datetime(["2025-01-02", "2025-01-02", None, "2025-01-03"]),
        "visited": pd.to_datetime(["2025-01-03", "2025-01-03", None, None]),
        "proposal": pd.to_datetime(["2025-01-04", None, None, None]),
        "result": ["won", "lost", "lost", "lost"], "cost": [100.0, 50.0, 5.0, 5.0]})
    f = A.funnel(sales)
    assert f.loc["referral", "leads"] == 2 and f.loc["referral", "won"] == 1
    assert f.loc["referral", "conversion"] == 0.5 and f.loc["direct_mail", "conversion"] == 0
    assert f.loc["referral", "cost_per_won"] == 150 and math.isnan(f.loc["direct_mail", "cost_per_won"])
    assert A.cost_per_won(sales) == 160


def test_satisfaction_gap_ignores_non_response():
    sv = pd.DataFrame({"dimension": ["speed", "speed", "price"], "expectation": [5, np.nan, 3],
                       "perception": [4, np.nan, 4]})
    g = A.satisfaction_gap(sv)
    assert g.loc["speed", "gap"] == -1 and g.loc["price", "gap"] == 1 and g.loc["speed", "response_rate"] == 0.5


def test_shipping_regularity():
    s = shipments_of([(1, f"2025-01-0{d}", 1, 1) for d in (1, 3, 5, 7)] + [(2, f"2025-01-0{d}", 1, 1) for d in (1, 2, 6, 9)])
    cv = A.shipping_regularity(s)
    assert cv[1] == 0 and cv[2] > 0.5


def test_warning_signals_flag_falling_volume_and_complaints():
    rows = [(1, T("2024-01-01") + pd.Timedelta(days=d), 1, 1) for d in range(0, 120)]
    rows += [(2, T("2024-01-01") + pd.Timedelta(days=d), 1, 1) for d in range(0, 60)]
    s = shipments_of(rows)
    complaints = pd.DataFrame({"customer_id": [1, 1], "opened": pd.to_datetime(["2024-04-20", "2024-04-21"])})
    cust = customers_of([(1, "2023-01-01", None, "mid", "none"), (2, "2023-01-01", None, "mid", "none")])
    w = A.warning_signals(s, complaints, cust, "2024-04-30")
    assert bool(w.loc[1, "at_risk"]) and w.loc[1, "recent_complaints"] == 2
    assert w.loc[2, "volume_ratio"] == 0 and bool(w.loc[2, "at_risk"])


def test_clv_discounts_future_years():
    v = A.clv(pd.Series({1: 100.0}), retention=0.5, years=2, discount_rate=0.0)
    assert v[1] == 150


def test_analysis_runs_on_a_simulated_run(small_result):
    r = small_result
    assert 0 < A.top_share(A.customer_revenue(r.shipments)) < 1
    assert len(A.rfm(r.shipments)) == r.shipments["customer_id"].nunique()
    end = r.shipments["created"].max()
    assert set(A.lifecycle_states(r.shipments, r.customers, end).unique()) <= {"new", "active", "dormant", "churned"}
