"""The one-line story of each classroom preset, measured the same way in every run.

A trainer compares a scenario with the normal year on the numbers that
tell its story: the on-time rate in the Double 11 week, e-commerce sellers
lost in the price war, complaints around the hub outage, the care plan's
experiment, the new market's customers, what the sales push bought. Every
run is measured on the same windows (the price-war and outage presets'
dates), so the normal year gives the reference value of each number.

Pure pandas, no plotting: ``story(result)`` returns a small dict that is
cheap to keep and to send back from a worker process.
"""
from __future__ import annotations

import math

import pandas as pd

from . import analysis
from .scenario import preset

WAR, OUTAGE = preset("price_war"), preset("hub_outage")  # the windows measured in every run


def double11_week(scenario) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """8-14 November of the year whose Double 11 falls inside the run, or None."""
    start = pd.Timestamp(scenario.start)
    for year in range(start.year, start.year + 4):
        peak = pd.Timestamp(year, 11, 11)
        if start <= peak < start + pd.Timedelta(days=scenario.days):
            return peak - pd.Timedelta(days=3), peak + pd.Timedelta(days=4)
    return None


def on_time_between(shipments: pd.DataFrame, start, end) -> float:
    """On-time rate of the parcels created in [start, end) (NaN if none)."""
    s = shipments[(shipments["created"] >= start) & (shipments["created"] < end)]
    return float((s["outcome"] == "on_time").mean()) if len(s) else math.nan


def story(run) -> dict:
    """The story numbers of one run (see the module docstring)."""
    sc, c, s = run.scenario, run.customers, run.shipments
    start = pd.Timestamp(sc.start)
    d11 = double11_week(sc)
    ours = c[c["joined"].notna()]
    segment = ours[ours["customer_type"] == WAR.price_war_segment]
    war_start = start + pd.Timedelta(days=WAR.price_war_start_day)
    lost = segment["churn_date"].ge(war_start)
    o_start = start + pd.Timedelta(days=OUTAGE.hub_outage_start_day)
    o_end = o_start + pd.Timedelta(days=OUTAGE.hub_outage_days)
    opened = run.complaints["opened"]
    effect = analysis.treatment_effect(c)
    care = run.retention_actions
    new_elec = c[(c["specialty_market"] == "electronics") & (c["acquisition_channel"] != "existing") & c["joined"].notna()]
    won = int((run.sales["result"] == "won").sum())
    return {
        "d11_week_on_time": on_time_between(s, *d11) if d11 else math.nan,
        "d11_week_complaints": int(opened.between(*d11, inclusive="left").sum()) if d11 else 0,
        "segment_churn": float(lost.mean()) if len(segment) else math.nan,
        "lost_to_rival": int((lost & (segment["courier"] == WAR.price_war_competitor)).sum()),
        "outage_on_time": on_time_between(s, o_start, o_end),
        "outage_complaints": int(((opened >= o_start) & (opened < o_end + pd.Timedelta(days=14))).sum()),
        "treated_churn": effect["treated"], "control_churn": effect["control"],
        "effect_low": effect["ci_low"], "effect_high": effect["ci_high"],
        "n_treated": effect["n_treated"], "n_control": effect["n_control"],
        "plan_cost": float(care.loc[care["action"].isin(["care_plan", "vip_service"]), "cost"].sum()),
        "won": won, "sales_cost": float(run.sales["cost"].sum()),
        "cost_per_won": float(run.sales["cost"].sum() / won) if won else math.nan,
        "new_electronics": len(new_elec),
        "new_electronics_revenue": float(s.loc[s["customer_id"].isin(new_elec["customer_id"]), "price"].sum()),
    }


def summary_and_story(result) -> dict:
    """What the trainer page keeps of a run: the dashboard's summary and the story numbers."""
    from .widgets import summarize  # widgets pull in ipywidgets and matplotlib: only when asked
    return {"summary": summarize(result), "story": story(result)}
