"""Analysis helpers on small hand-made tables with answers worked out by hand.

Every table here is a few rows typed in the test; the comment beside each
assertion shows the arithmetic. The last test runs the helpers once on a
small simulated run (shared ``small_result`` fixture) to catch dtype surprises.
"""
import math

import numpy as np
import pandas as pd
import pytest

from courier_sim import analysis as A
from courier_sim import records

T = pd.Timestamp
DAY = pd.Timedelta(days=1)


def shipments_of(rows):
    """(customer_id, created, price, cost) rows."""
    df = pd.DataFrame(rows, columns=["customer_id", "created", "price", "cost"])
    return df.assign(created=pd.to_datetime(df["created"], format="ISO8601"))


def customers_of(rows, columns=("customer_id", "joined", "churn_date", "value_level", "treatment")):
    df = pd.DataFrame(rows, columns=list(columns))
    return df.assign(joined=pd.to_datetime(df["joined"]), churn_date=pd.to_datetime(df["churn_date"]))


def complaints_of(rows):
    """(customer_id, opened) rows."""
    df = pd.DataFrame(rows, columns=["customer_id", "opened"])
    return df.assign(opened=pd.to_datetime(df["opened"]))


def daily(customer_id, first, last, every=1, price=1.0, cost=1.0):
    """One parcel every ``every`` days from ``first`` to ``last`` inclusive."""
    days = pd.date_range(first, last, freq=f"{every}D")
    return [(customer_id, d, price, cost) for d in days]


CUSTOMERS = customers_of([
    (1, "2024-01-01", None, "high", "treated"),
    (2, "2024-01-01", "2024-06-01", "mass", "control"),
    (3, "2024-05-20", None, "mass", "treated"),
    (4, "2024-01-01", None, "mass", "control"),
])


# --- value ---------------------------------------------------------------------------
def test_customer_revenue_sums_and_sorts():
    s = shipments_of([(1, "2025-01-01", 10, 1), (2, "2025-01-01", 5, 1), (1, "2025-01-02", 10, 1),
                      (3, "2025-01-03", 30, 1)])
    r = A.customer_revenue(s)
    assert list(r.index) == [3, 1, 2] and list(r) == [30, 20, 5] and r.name == "revenue"


def test_profitability_counts_retention_spending():
    s = shipments_of([(1, "2025-01-01", 10, 4), (1, "2025-01-02", 10, 4), (2, "2025-01-01", 5, 9)])
    actions = pd.DataFrame({"customer_id": [1, 3], "cost": [3.0, 7.0]})
    p = A.profitability(s, actions)
    assert sorted(p.index) == [1, 2]                       # rows: customers who shipped
    assert p.loc[1, "profit"] == 9                         # 20 − (8 + 3)
    assert p.loc[1, "cost"] == 11 and p.loc[1, "retention_cost"] == 3 and p.loc[1, "shipping_cost"] == 8
    assert p.loc[2, "profit"] == -4 and p.loc[1, "parcels"] == 2


def test_profitability_with_customers_keeps_everyone_ever_ours():
    s = shipments_of([(1, "2025-01-01", 10, 4), (2, "2025-01-01", 5, 9)])
    actions = pd.DataFrame({"customer_id": [3], "cost": [7.0]})
    c = customers_of([(1, "2024-01-01", None, "high", "none"), (2, "2024-01-01", None, "mass", "none"),
                      (3, "2024-01-01", None, "mass", "none"), (4, None, None, "mass", "none")])  # 4: a prospect
    p = A.profitability(s, actions, customers=c)
    assert sorted(p.index) == [1, 2, 3]
    assert p.loc[3, "parcels"] == 0 and p.loc[3, "revenue"] == 0 and p.loc[3, "profit"] == -7
    assert p["parcels"].dtype.kind == "i"


def test_top_share():
    assert A.top_share([50, 30, 10, 5, 5]) == pytest.approx(0.5)           # top 1 of 5: 50 / 100
    assert A.top_share([10, 10, 10, 10, 10], 0.4) == pytest.approx(0.4)
    assert A.top_share([1.0] * 15, 0.2) == pytest.approx(0.2)              # 3 of 15, not 4 (0.2 × 15 in floats)
    assert A.top_share([50, np.nan, 50], 0.5) == pytest.approx(0.5)        # NaN ignored: top 1 of 2
    assert A.top_share([120, 10, -20, -5, -5]) == pytest.approx(1.2)       # profit: the best earn > 100 %
    assert math.isnan(A.top_share([])) and math.isnan(A.top_share([0, 0]))


def test_abc_tiers():
    tiers = A.abc_tiers(pd.Series({"e": 5, "a": 50, "c": 10, "b": 30, "d": 5}))
    assert list(tiers.index) == ["a", "b", "c", "e", "d"]                  # largest first, ties keep order
    assert list(tiers) == ["A", "A", "B", "B", "C"]                        # share earned above: 0, .5, .8, .9, .95
    assert list(tiers.cat.categories) == ["A", "B", "C"]
    assert list(A.abc_tiers(pd.Series({"x": 1.0}))) == ["A"]


def test_profit_potential_and_segment_matrix():
    pot = A.profit_potential(pd.Series([10, 60, 20, 50, 30, 40], index=[1, 2, 3, 4, 5, 6]))
    assert pot.to_dict() == {1: "low", 2: "high", 3: "low", 4: "high", 5: "medium", 6: "medium"}
    rel = pd.Series(["secure", "leaving", "secure", "good", "limited", "secure", "good"], index=[1, 2, 3, 4, 5, 6, 7])
    m = A.segment_matrix(pot, rel)                                         # customer 7 has no potential: left out
    assert list(m.index) == ["high", "medium", "low"] and list(m.columns) == list(A.RELATIONSHIPS)
    assert m.loc["low", "secure"] == 2 and m.loc["high", "leaving"] == 1 and m.loc["high", "good"] == 1
    assert m.loc["medium", "secure"] == 1 and m.loc["medium", "limited"] == 1 and m.to_numpy().sum() == 6


# --- RFM -------------------------------------------------------------------------------
def test_rfm_five_customers():
    s = shipments_of([
        (1, "2025-01-31 09:00", 50, 1), (1, "2025-01-31 15:00", 50, 1), (1, "2025-01-25", 100, 1),
        (1, "2025-02-01 08:00", 1000, 1),                                  # on as_of: not counted
        (2, "2025-01-30", 10, 1), (2, "2025-01-20", 10, 1), (2, "2025-01-10", 10, 1), (2, "2025-01-05", 10, 1),
        (3, "2025-01-02", 500, 1),
        (4, "2025-01-15", 20, 1), (4, "2025-01-16", 20, 1), (4, "2025-01-17", 20, 1),
        (5, "2025-01-01", 5, 1),
    ])
    t = A.rfm(s, as_of="2025-02-01")
    assert t["recency"].to_dict() == {1: 1, 2: 2, 3: 30, 4: 15, 5: 31}
    assert t["frequency"].to_dict() == {1: 2, 2: 4, 3: 1, 4: 3, 5: 1}      # shipping days: customer 1's two parcels on 31 Jan count once
    assert t["monetary"].to_dict() == {1: 200, 2: 40, 3: 500, 4: 60, 5: 5}
    # five customers, five bins: the score is the rank; F ties (3 and 5 ship once) split by table order
    assert t["rfm"].to_dict() == {1: "534", 2: "452", 3: "215", 4: "343", 5: "121"}
    assert t["segment"].to_dict() == {1: "promising", 2: "loyal", 3: "win_back", 4: "need_attention", 5: "hibernating"}
    assert t.loc[3, "segment_zh"] == "重要挽留客户" and t.loc[1, "segment_zh"] == "重要发展客户"


def test_rfm_default_as_of_and_small_tables():
    s = shipments_of([(1, "2025-01-30", 100, 1), (1, "2025-01-29", 100, 1), (1, "2025-01-28", 100, 1),
                      (2, "2025-01-01", 5, 1), (3, "2025-01-20", 50, 1), (3, "2025-01-21", 50, 1)])
    t = A.rfm(s, bins=3)                                                   # as_of: the day after the last parcel
    assert t.loc[1, "recency"] == 1 and t.loc[2, "recency"] == 30
    assert t.loc[1, "rfm"] == "333" and t.loc[2, "rfm"] == "111" and t.loc[3, "rfm"] == "222"
    assert t.loc[1, "segment"] == "champions" and t.loc[2, "segment"] == "hibernating"
    two = A.rfm(s[s["customer_id"] != 3], bins=5)                          # 2 customers still spread over 1..5
    assert two.loc[1, "rfm"] == "555" and two.loc[2, "rfm"] == "333"       # ceil(1 × 5 / 2) = 3


def test_rfm_ties_fill_every_score_equally():
    s = shipments_of([(i, "2025-01-10", 10, 1) for i in range(10)])        # ten identical customers
    t = A.rfm(s, as_of="2025-02-01")
    for col in ("R", "F", "M"):
        assert t[col].value_counts().sort_index().to_dict() == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2}


def test_rfm_segment_names_all_eight_cells():
    assert list(A.rfm_segment([5, 1, 1, 5], [5, 5, 1, 1], [5, 5, 5, 1])) == ["champions", "at_risk", "win_back", "new"]
    assert A.RFM_SEGMENTS_ZH["at_risk"] == "重要保持客户" and len(set(A.RFM_SEGMENTS.values())) == 8
    assert set(A.RFM_SEGMENTS.values()) == set(A.RFM_SEGMENTS_ZH)
    assert list(A.rfm_segment([3], [3], [3], bins=5)) == ["hibernating"]   # 3 of 5 is not above the middle


# --- lifecycle, churn, cohorts -------------------------------------------------------
def test_lifecycle_states():
    s = shipments_of([(1, "2024-05-30", 10, 1), (4, "2024-02-01", 10, 1), (3, "2024-05-25", 10, 1)])
    states = A.lifecycle_states(s, CUSTOMERS, "2024-06-10")
    assert states.to_dict() == {1: "active", 2: "churned", 3: "new", 4: "dormant"}
    assert list(states.cat.categories) == ["new", "active", "dormant", "churned"]


def test_lifecycle_state_boundaries():
    c = customers_of([
        ("a", "2024-05-11", None, "mass", "none"),          # joined 30 days before: new
        ("b", "2024-05-10", None, "mass", "none"),          # 31 days; last parcel 60 days before: active
        ("c", "2024-01-01", None, "mass", "none"),          # last parcel 61 days before: dormant
        ("d", "2024-01-01", "2024-06-10", "mass", "none"),  # left on as_of: churned
        ("e", "2024-01-01", "2024-06-11", "mass", "none"),  # leaves tomorrow: still active today
        ("f", "2024-06-11", None, "mass", "none"),          # not ours yet
        ("g", None, None, "mass", "none"),                  # a prospect
    ])
    s = shipments_of([("b", "2024-04-11", 1, 1), ("c", "2024-04-10", 1, 1), ("c", "2024-06-12", 1, 1),
                      ("d", "2024-06-01", 1, 1), ("e", "2024-06-01", 1, 1)])
    states = A.lifecycle_states(s, c, "2024-06-10")
    assert states.to_dict() == {"a": "new", "b": "active", "c": "dormant", "d": "churned", "e": "active"}


def test_churn_rate_overall_and_by_group():
    assert A.churn_rate(CUSTOMERS, "2024-02-01", "2024-12-31") == pytest.approx(1 / 3)  # base 1, 2, 4; 2 left
    by = A.churn_rate(CUSTOMERS, "2024-02-01", "2024-12-31", by="value_level")
    assert by["high"] == 0 and by["mass"] == pytest.approx(0.5)


def test_churn_rate_window_is_half_open():
    c = customers_of([
        (1, "2024-01-01", "2024-03-01", "mass", "none"),    # leaves on start: in the base, counted
        (2, "2024-01-01", "2024-06-01", "mass", "none"),    # leaves on end: not counted
        (3, "2024-01-01", "2024-02-01", "mass", "none"),    # left before start: not in the base
        (4, "2024-04-01", "2024-05-01", "mass", "none"),    # won during the period: not in the base
        (5, "2024-01-01", None, "mass", "none"),
    ])
    assert A.churn_rate(c, "2024-03-01", "2024-06-01") == pytest.approx(1 / 3)


def test_cohort_retention():
    c = customers_of([
        (1, "2024-01-05", None, "mass", "none"), (2, "2024-01-05", "2024-01-20", "mass", "none"),
        (3, "2024-01-05", "2024-03-10", "mass", "none"),
        (4, "2024-02-10", None, "mass", "none"), (5, "2024-02-10", "2024-02-28", "mass", "none"),
        (6, "2023-06-01", None, "mass", "none"),            # ours before the records begin: left out
        (7, None, None, "mass", "none"),
    ])
    s = shipments_of([(1, "2024-01-01 10:00", 1, 1), (1, "2024-03-31 18:00", 1, 1)])  # data: Jan 1 – Mar 31
    t = A.cohort_retention(c, s, periods=4)
    assert list(t.index) == ["2024-01", "2024-02"] and list(t.columns) == [0, 1, 2, 3]
    assert t.loc["2024-01", 0] == pytest.approx(2 / 3)      # end of January: customer 2 gone
    assert t.loc["2024-01", 1] == pytest.approx(2 / 3)
    assert t.loc["2024-01", 2] == pytest.approx(1 / 3)      # end of March: customer 3 gone too
    assert math.isnan(t.loc["2024-01", 3])                  # end of April: not seen yet
    assert t.loc["2024-02", 0] == 0.5 and t.loc["2024-02", 1] == 0.5 and math.isnan(t.loc["2024-02", 2])
    assert "2023-06" in A.cohort_retention(c, periods=2).index  # without shipments: no window, all cohorts


def test_treatment_effect_difference_and_interval():
    e = A.treatment_effect(CUSTOMERS)                       # treated 1, 3 stay; control 2 leaves, 4 stays
    assert e["treated"] == 0 and e["control"] == 0.5 and e["effect"] == -0.5
    assert e["se"] == pytest.approx(math.sqrt(0.5 * 0.5 / 2))  # √(0 / 2 + .25 / 2)
    assert e["ci_low"] == pytest.approx(-0.5 - 1.96 * e["se"]) and e["ci_high"] == pytest.approx(-0.5 + 1.96 * e["se"])
    assert e["n_treated"] == 2 and e["n_control"] == 2


def test_treatment_effect_numeric_outcome_and_no_experiment():
    c = pd.DataFrame({"treatment": ["treated"] * 3 + ["control"] * 3 + ["none"],
                      "profit": [10.0, 20.0, 30.0, 4.0, 6.0, 8.0, 1000.0]})
    e = A.treatment_effect(c, outcome="profit")
    assert e["effect"] == pytest.approx(14)                 # 20 − 6; the "none" customer is ignored
    assert e["se"] == pytest.approx(math.sqrt(100 / 3 + 4 / 3))  # sample variances 100 and 4
    none = A.treatment_effect(CUSTOMERS.assign(treatment="none"))
    assert math.isnan(none["effect"]) and none["n_treated"] == 0


# --- warning signals -------------------------------------------------------------------
def contacts_of(rows):
    """(customer_id, date, mentions_competitor[, topic]) rows: account managers' notes."""
    rows = [tuple(r) + ("check_in",) * (4 - len(r)) for r in rows]
    df = pd.DataFrame(rows, columns=["customer_id", "date", "mentions_competitor", "topic"])
    return df.assign(date=pd.to_datetime(df["date"]))


def test_warning_signals_hand_made():
    # as_of 1 Mar, 4-week window from 2 Feb; the records begin on 5 Jan, so "earlier" is 4 weeks long
    as_of, weeks = "2024-03-01", 4
    rows = daily("A", "2024-01-05", "2024-01-12") + daily("A", "2024-02-05", "2024-02-08")  # 8 then 4: 2 → 1 a week
    rows += daily("B", "2024-01-05", "2024-01-08") + daily("B", "2024-02-05", "2024-02-08")  # 1 → 1 a week
    rows += daily("C", "2024-01-05", "2024-01-08") + daily("C", "2024-02-05", "2024-02-07")  # 1 → 0.75 a week
    rows += daily("D", "2024-02-12", "2024-02-13")                                          # new: nothing earlier
    rows += daily("E", "2024-01-05", "2024-01-20")                                          # churned on 20 Feb
    rows += daily("F", "2024-01-20", "2024-01-21") + daily("F", "2024-02-20", "2024-02-21")  # joined 19 Jan: 2 weeks earlier
    rows += daily("G", "2024-01-05", "2024-01-06")                                          # 0.5 a week, then none
    rows += daily("H", "2024-01-05", "2024-01-12") + daily("H", "2024-02-05", "2024-02-12")  # steady, but news
    c = customers_of([("A", "2023-01-01", None, "mid", "none"), ("B", "2023-01-01", None, "mid", "none"),
                      ("C", "2023-01-01", None, "mid", "none"), ("D", "2024-02-10", None, "mid", "none"),
                      ("E", "2023-01-01", "2024-02-20", "mid", "none"), ("F", "2024-01-19", None, "mid", "none"),
                      ("G", "2023-01-01", None, "mid", "none"), ("H", "2023-01-01", None, "mid", "none")])
    k = complaints_of([("B", "2024-02-02"), ("B", "2024-02-20"), ("B", "2024-01-20"),  # 2 in the window, 1 before
                       ("C", "2024-02-25"), ("C", "2024-03-01"),                     # as_of itself: not in the window
                       ("E", "2024-02-10"), ("E", "2024-02-11")])
    notes = contacts_of([("D", "2024-02-15", True),                                   # praised a rival in the window
                         ("C", "2024-01-20", True), ("C", "2024-02-20", False),       # before the window; a plain note
                         ("G", "2024-03-01", True),                                   # as_of itself: not in the window
                         ("H", "2024-02-10", False, "business_change"), ("A", "2024-01-10", False, "business_change")])
    w = A.warning_signals(shipments_of(rows), k, c, as_of, notes, window_weeks=weeks)
    assert sorted(w.index) == ["A", "B", "C", "D", "F", "G", "H"]
    assert w.loc["A", "earlier_weekly"] == 2 and w.loc["A", "recent_weekly"] == 1 and w.loc["A", "volume_ratio"] == 0.5
    assert w.loc["B", "volume_ratio"] == 1 and w.loc["B", "recent_complaints"] == 2
    assert w.loc["C", "volume_ratio"] == 0.75 and w.loc["C", "recent_complaints"] == 1
    assert math.isnan(w.loc["D", "volume_ratio"])
    assert w.loc["F", "earlier_weekly"] == 1 and w.loc["F", "volume_ratio"] == 0.5
    assert w.loc["G", "earlier_weekly"] == 0.5 and w.loc["G", "volume_ratio"] == 0  # too few parcels to tell
    assert w["recent_mentions"].to_dict() == {"A": 0, "B": 0, "C": 0, "D": 1, "F": 0, "G": 0, "H": 0}
    assert w["recent_business_news"].to_dict() == {"A": 0, "B": 0, "C": 0, "D": 0, "F": 0, "G": 0, "H": 1}
    assert w["at_risk"].to_dict() == {"A": True, "B": True, "C": False, "D": True, "F": True, "G": False, "H": True}
    # without contact notes the competitor signal is silent; a lower bar lets G's fall count
    w = A.warning_signals(shipments_of(rows), k, c, as_of, window_weeks=weeks, min_weekly=0.5)
    assert (w["recent_mentions"] == 0).all() and (w["recent_business_news"] == 0).all()
    assert w["at_risk"].to_dict() == {"A": True, "B": True, "C": False, "D": False, "F": True, "G": True, "H": False}


def test_warning_signals_flag_falling_volume_and_complaints():
    rows = [(1, T("2024-01-01") + pd.Timedelta(days=d), 1, 1) for d in range(0, 120)]
    rows += [(2, T("2024-01-01") + pd.Timedelta(days=d), 1, 1) for d in range(0, 60)]
    k = complaints_of([(1, "2024-04-20"), (1, "2024-04-21")])
    cust = customers_of([(1, "2023-01-01", None, "mid", "none"), (2, "2023-01-01", None, "mid", "none")])
    w = A.warning_signals(shipments_of(rows), k, cust, "2024-04-30")
    assert bool(w.loc[1, "at_risk"]) and w.loc[1, "recent_complaints"] == 2
    assert w.loc[2, "volume_ratio"] == 0 and bool(w.loc[2, "at_risk"])


def test_warning_list_picks_out_customers_about_to_leave(year_result):
    """Flagged customers leave far more often in the next 90 days than the rest (lesson 04's point)."""
    r = year_result
    start = pd.Timestamp(r.scenario.start)
    left_on = r.customers.set_index("customer_id")["churn_date"]
    for day in (120, 240):
        as_of = start + pd.Timedelta(days=day)
        w = A.warning_signals(r.shipments, r.complaints, r.customers, as_of, r.contacts)
        when = left_on.reindex(w.index)
        leaves = (when > as_of) & (when <= as_of + pd.Timedelta(days=90))
        flagged, others = leaves[w["at_risk"]].mean(), leaves[~w["at_risk"]].mean()
        assert 0.02 < w["at_risk"].mean() < 0.15  # a call list, not half the book
        assert flagged > 2.5 * others
        # praise for a rival in a contact note is the sharpest of the three signals
        assert leaves[w["recent_mentions"] >= 1].mean() > leaves[w["recent_complaints"] >= 2].mean()


def test_churners_volume_ratio():
    rows = [("Z", "2024-01-01", 1, 1)]                                    # the records begin on 1 Jan
    rows += [("X", d, 1, 1) for d in pd.date_range("2024-01-01", periods=18, freq="3D")]  # 18 in 9 weeks: 2 a week
    rows += daily("X", "2024-03-04", "2024-03-07")                        # last 4 weeks before leaving: 1 a week
    rows += daily("Y", "2024-01-01", "2024-01-20")                        # left after 4.4 weeks: too short a history
    rows += daily("W", "2024-03-10", "2024-03-12")                        # nothing earlier: no ratio
    c = customers_of([("X", "2023-01-01", "2024-04-01", "mid", "none"), ("Y", "2023-01-01", "2024-02-01", "mid", "none"),
                      ("Z", "2023-01-01", None, "mid", "none"), ("W", "2023-01-01", "2024-04-01", "mid", "none")])
    ratio = A.churners_volume_ratio(shipments_of(rows), c, weeks=4)
    assert ratio.to_dict() == {"X": 0.5}


def test_complaint_rate_is_pooled():
    s = shipments_of([(1, "2025-01-01", 1, 1)] * 8 + [(2, "2025-01-01", 1, 1)] * 2)
    k = complaints_of([(1, "2025-01-02"), (2, "2025-01-02")])
    assert A.complaint_rate(s, k) == pytest.approx(0.2)
    by = A.complaint_rate(s, k, pd.Series({1: "stayed", 2: "left"}))
    assert by["stayed"] == pytest.approx(1 / 8) and by["left"] == pytest.approx(1 / 2)


def test_shipping_regularity():
    s = shipments_of([(1, f"2025-01-0{d}", 1, 1) for d in (1, 3, 3, 5, 7)]  # two parcels on the 3rd: one day
                     + [(2, f"2025-01-0{d}", 1, 1) for d in (1, 2, 6, 9)]
                     + [(3, f"2025-01-0{d}", 1, 1) for d in (1, 2, 3)])    # 3 shipping days: too few
    cv = A.shipping_regularity(s)
    assert sorted(cv.index) == [1, 2]
    assert cv[1] == 0                                                      # gaps 2, 2, 2
    assert cv[2] == pytest.approx(math.sqrt(7 / 3) / (8 / 3))              # gaps 1, 4, 3: sd √(7/3), mean 8/3
    assert list(A.shipping_regularity(s, min_days=3).index) == [1, 2, 3]


# --- development, promotion, satisfaction -----------------------------------------------
SALES = pd.DataFrame({
    "method": ["referral", "referral", "direct_mail", "direct_mail"],
    "lead_date": pd.to_datetime(["2025-01-01"] * 4),
    "qualified": pd.to_datetime(["2025-01-02", "2025-01-02", None, "2025-01-03"]),
    "visited": pd.to_datetime(["2025-01-03", "2025-01-03", None, None]),
    "proposal": pd.to_datetime(["2025-01-04", None, None, None]),
    "result": ["won", "lost", "lost", "open"], "cost": [100.0, 50.0, 5.0, 5.0]})


def test_funnel_counts_and_conversion():
    f = A.funnel(SALES)
    assert f.loc["referral", ["leads", "qualified", "visited", "proposal", "won", "lost"]].tolist() == [2, 2, 2, 1, 1, 1]
    assert f.loc["direct_mail", ["leads", "qualified", "visited", "won", "lost", "open"]].tolist() == [2, 1, 0, 0, 1, 1]
    assert f.loc["referral", "conversion"] == 0.5 and f.loc["direct_mail", "conversion"] == 0
    assert f.loc["referral", "proposal_rate"] == 0.5 and f.loc["referral", "win_rate"] == 1
    assert f.loc["direct_mail", "qualified_rate"] == 0.5 and f.loc["direct_mail", "visit_rate"] == 0
    assert math.isnan(f.loc["direct_mail", "proposal_rate"])               # nobody visited: no rate
    assert f.loc["referral", "cost_per_won"] == 150 and math.isnan(f.loc["direct_mail", "cost_per_won"])
    assert A.cost_per_won(SALES) == 160


def test_funnel_overall_row_and_categorical_groups():
    overall = A.funnel(SALES, by=None)
    assert list(overall.index) == ["all"]
    row = overall.iloc[0]
    assert [row["leads"], row["qualified"], row["visited"], row["proposal"], row["won"]] == [4, 3, 2, 1, 1]
    assert row["conversion"] == 0.25 and row["cost"] == 160 and row["cost_per_won"] == 160
    cat = SALES.assign(method=pd.Categorical(SALES["method"], categories=records.METHODS))
    assert sorted(A.funnel(cat).index) == ["direct_mail", "referral"]     # unused methods are not rows


def test_acceptance_rate():
    p = pd.DataFrame({"value_level": ["high", "high", "mass", "mass"], "accepted": [True, True, False, True]})
    assert A.acceptance_rate(p) == 0.75
    assert A.acceptance_rate(p, by="value_level").to_dict() == {"high": 1.0, "mass": 0.5}


def test_retention_cost_per_kept():
    actions = pd.DataFrame({"customer_id": [1, 1, 2], "cost": [10.0, 20.0, 30.0]})
    assert A.retention_cost_per_kept(actions, CUSTOMERS) == 20            # 60 yuan ÷ 3 customers never churned


def test_satisfaction_gap_ignores_non_response():
    sv = pd.DataFrame({
        "dimension": ["speed", "speed", "speed", "price", "price", "brand"],
        "wave": [1, 1, 2, 1, 2, 1],
        "expectation": [5, 3, np.nan, 3, 2, np.nan],
        "perception": [4, np.nan, np.nan, 4, 5, np.nan],   # speed row 2: item skipped, so its expectation drops too
    })
    g = A.satisfaction_gap(sv)
    assert g.loc["speed", "expectation"] == 5 and g.loc["speed", "perception"] == 4 and g.loc["speed", "gap"] == -1
    assert g.loc["speed", "responses"] == 1 and g.loc["speed", "response_rate"] == pytest.approx(1 / 3)
    assert g.loc["price", "gap"] == 2 and g.loc["price", "response_rate"] == 1  # 4.5 − 2.5
    assert math.isnan(g.loc["brand", "gap"]) and g.loc["brand", "responses"] == 0
    by_wave = A.satisfaction_gap(sv, by=["dimension", "wave"])
    assert by_wave.loc[("price", 2), "gap"] == 3 and by_wave.loc[("speed", 1), "response_rate"] == 0.5


# --- lifetime value -----------------------------------------------------------------------
def test_clv_discounts_future_years():
    assert A.clv(pd.Series({1: 100.0}), retention=0.5, years=2, discount_rate=0.0)[1] == 150   # 100 + 100 × .5
    v = A.clv(pd.Series({1: 100.0, 2: 100.0}), pd.Series({1: 1.0, 2: 0.0}), years=3, discount_rate=0.25)
    assert v[1] == pytest.approx(100 + 80 + 64) and v[2] == 100       # 1/1.25 = .8


def test_customer_clv_from_tables():
    s = shipments_of([(1, "2024-01-01", 150, 50), (2, "2024-03-01", 10, 5), (3, "2024-12-30", 10, 20)])  # 365 days
    c = customers_of([(1, "2023-01-01", None, "high", "none"), (2, "2023-01-01", "2024-06-01", "high", "none"),
                      (3, "2023-01-01", None, "mass", "none"), (4, "2023-01-01", "2024-03-01", "mass", "none"),
                      (5, "2023-01-01", None, "mass", "none")])
    t = A.customer_clv(s, c, horizon_years=2, discount_rate=0.0)
    assert sorted(t.index) == [1, 3, 5]                     # still ours at the end
    assert t.loc[1, "retention"] == pytest.approx(0.5)      # high: 1 of 2 left
    assert t.loc[3, "retention"] == pytest.approx(2 / 3)    # mass: 1 of 3 left
    assert t.loc[1, "clv"] == pytest.approx(150)            # 100 × (1 + .5)
    assert t.loc[3, "clv"] == pytest.approx(-10 * (1 + 2 / 3)) and t.loc[5, "clv"] == 0
    fixed = A.customer_clv(s, c, horizon_years=2, discount_rate=0.0, retention={"high": 0.9, "mass": 0.0})
    assert fixed.loc[1, "clv"] == pytest.approx(190) and fixed.loc[3, "clv"] == pytest.approx(-10)


# --- relationship state -----------------------------------------------------------------
def test_relationship_state():
    cols = ("customer_id", "joined", "churn_date", "value_level", "treatment", "relationship_stage")
    c = customers_of([
        (1, "2024-05-01", None, "mid", "none", "incubation"),   # ours 40 days: just contacted
        (2, "2023-01-01", None, "mid", "none", "stable"),       # steady key account: secure
        (3, "2023-01-01", None, "mid", "none", "initial"),      # steady, initial stage: developing
        (4, "2023-01-01", None, "mid", "none", "incubation"),   # active and frequent: good
        (5, "2023-01-01", None, "mid", "none", "stable"),       # stopped shipping in March: leaving
        (6, "2023-01-01", None, "mid", "none", "incubation"),   # active but ships seldom: limited
        (7, "2023-01-01", "2024-05-01", "mid", "none", "incubation"),  # gone: not in the matrix
        (8, "2023-01-01", None, "mid", "none", "incubation"),   # seldom, and silent since January: dormant, leaving
    ], columns=cols)
    rows = daily(1, "2024-05-02", "2024-05-02") + daily(2, "2024-01-01", "2024-06-09", 5)
    rows += daily(3, "2024-01-01", "2024-06-09", 5) + daily(4, "2024-01-01", "2024-06-09", 3)
    rows += daily(5, "2024-01-01", "2024-03-01", 7) + [(6, T("2024-02-01"), 1, 1), (6, T("2024-05-20"), 1, 1)]
    rows += daily(8, "2024-01-05", "2024-01-15", 5)
    rel = A.relationship_state(shipments_of(rows), records.empty("complaints"), c, "2024-06-10")
    assert rel.astype(str).to_dict() == {1: "just contacted", 2: "secure", 3: "developing", 4: "good",
                                         5: "leaving", 6: "limited", 8: "leaving"}
    # contact notes reach the warning list: a steady key account that praised a rival is leaving too
    notes = contacts_of([(2, "2024-06-01", True)])
    rel = A.relationship_state(shipments_of(rows), records.empty("complaints"), c, "2024-06-10", contacts=notes)
    assert rel.loc[2] == "leaving" and rel.loc[3] == "developing"


# --- edge cases -------------------------------------------------------------------------------
def test_empty_tables_give_empty_answers():
    s, c, k = records.empty("shipments"), records.empty("customers"), records.empty("complaints")
    sales, sv = records.empty("sales"), records.empty("surveys")
    assert len(A.customer_revenue(s)) == 0
    assert len(A.profitability(s, records.empty("retention_actions"), c)) == 0
    assert len(A.abc_tiers(pd.Series(dtype=float))) == 0 and len(A.profit_potential(pd.Series(dtype=float))) == 0
    assert len(A.rfm(s)) == 0 and list(A.rfm(s, as_of="2025-01-01").columns) == A.RFM_COLUMNS
    assert len(A.lifecycle_states(s, c, "2025-01-01")) == 0
    assert math.isnan(A.churn_rate(c, "2025-01-01", "2025-02-01"))
    assert len(A.churn_rate(c, "2025-01-01", "2025-02-01", by="value_level")) == 0
    assert A.cohort_retention(c, s, periods=3).shape == (0, 3)
    assert len(A.funnel(sales)) == 0 and A.funnel(sales, by=None).iloc[0]["leads"] == 0
    assert math.isnan(A.cost_per_won(sales)) and math.isnan(A.acceptance_rate(records.empty("pitches")))
    assert len(A.satisfaction_gap(sv)) == 0
    assert len(A.warning_signals(s, k, c, "2025-01-01")) == 0
    assert len(A.warning_signals(s, k, c, "2025-01-01", records.empty("contacts"))) == 0
    assert len(A.churners_volume_ratio(s, c)) == 0
    assert math.isnan(A.complaint_rate(s, k))
    assert len(A.shipping_regularity(s)) == 0
    assert len(A.customer_clv(s, c)) == 0
    assert math.isnan(A.treatment_effect(c)["effect"])
    assert len(A.relationship_state(s, k, c, "2025-01-01")) == 0


def test_inputs_are_not_modified():
    s = shipments_of([(1, "2025-01-01", 10, 4), (2, "2025-01-03", 5, 9), (2, "2025-01-05", 5, 9)])
    before = s.copy()
    A.rfm(s), A.profitability(s), A.shipping_regularity(s, min_days=2), A.lifecycle_states(s, CUSTOMERS, "2025-01-10")
    pd.testing.assert_frame_equal(s, before)


# --- one simulated run ---------------------------------------------------------------------
def test_analysis_runs_on_a_simulated_run(small_result):
    r = small_result
    s, c = r.shipments, r.customers
    end = s["created"].max().normalize() + DAY
    assert 0 < A.top_share(A.customer_revenue(s)) < 1
    assert len(A.rfm(s)) == s["customer_id"].nunique()
    assert set(A.lifecycle_states(s, c, end).unique()) <= set(A.LIFECYCLE_STATES)
    money = A.profitability(s, r.retention_actions, c)
    assert money["profit"].sum() == pytest.approx(s["price"].sum() - s["cost"].sum() - r.retention_actions["cost"].sum())
    assert A.funnel(r.sales, by=None).iloc[0]["leads"] == len(r.sales)
    gap = A.satisfaction_gap(r.surveys)
    assert set(gap.index) <= set(records.DIMENSIONS) and gap["response_rate"].between(0, 1).all()
    w = A.warning_signals(s, r.complaints, c, end, r.contacts)
    assert w["at_risk"].dtype == bool and set(w.index) <= set(c["customer_id"])
    assert w["recent_mentions"].dtype.kind == "i" and (w["recent_mentions"] >= 0).all()
    assert A.cohort_retention(c, s).stack().dropna().between(0, 1).all()


# --- relationship stages ---------------------------------------------------------------------------------------
def _stage_tables():
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3],
        "relationship_stage": ["stable", "initial", "initial"],
        "joined": pd.to_datetime(["2023-05-01", "2023-01-01", "2024-10-01"]),
        "churn_date": pd.to_datetime([None, "2024-04-01", None]),
    })
    changes = pd.DataFrame({
        "customer_id": [3, 1],
        "date": pd.to_datetime(["2024-09-30", "2024-07-01"]),
        "from_stage": ["incubation", "initial"],
        "to_stage": ["initial", "stable"],
    })
    return customers, changes


def test_stage_on_a_date_reads_the_changes_around_it():
    customers, changes = _stage_tables()
    on_march = A.stage_on(customers, changes, "2024-03-01")
    assert on_march.to_dict() == {1: "initial", 2: "initial", 3: "incubation"}
    assert A.stage_on(customers, changes, "2024-12-31").to_dict() == {1: "stable", 2: "initial", 3: "initial"}


def test_stage_churn_counts_time_spent_in_each_stage():
    customers, changes = _stage_tables()
    table = A.stage_churn_rates(customers, changes, "2024-01-01", "2025-01-01")
    assert list(table.index) == ["initial", "stable"]
    # initial: customer 1 Jan-Jun (182 days), customer 2 until its churn (91), customer 3 from joining (92)
    assert table.loc["initial", "account_years"] == pytest.approx((182 + 91 + 92) / 365.25)
    assert table.loc["stable", "account_years"] == pytest.approx(184 / 365.25)
    assert table["churned"].to_dict() == {"initial": 1, "stable": 0}
    assert table.loc["initial", "churn_per_year"] == pytest.approx(365.25 / 365)


def test_stage_measures_accept_empty_tables():
    customers, changes = _stage_tables()
    assert A.stage_churn_rates(customers.head(0), changes.head(0), "2024-01-01", "2025-01-01").empty
    assert A.stage_on(customers, changes.head(0), "2024-03-01").to_dict() == {1: "stable", 2: "initial", 3: "initial"}
