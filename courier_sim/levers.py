"""Retention levers and the randomised experiment that measures them.

Like a clinical trial in a courier branch: the manager picks a tier
(``target_tier``), a coin decides which of its customers get the levers
(``treated_share``), the rest of the tier is the control group and keeps the
standard service. The coin is a pure function of the customer id, so the
same scenario always splits the same way, and the ``treatment`` column of the
customers table says who was in which group.

Customer-level levers (they reach treated customers only): the care plan
(关怀计划) or VIP service, a loyalty discount, the complaint response-time
target and the compensation policy. Branch-wide levers (extra peak
capacity, the sales force) cannot be split by customer; they are listed in
the events table like every other lever.

Pure functions and tables: no SimPy here.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import calendar, records, streams


class CarePlan(NamedTuple):
    monthly_cost: float     # yuan per treated customer per month
    hazard: float           # multiplies the weekly chance a competitor lures the customer away
    monthly_boost: float    # satisfaction gained each month (more contact, personal service)
    priority: bool          # complaints jump the service team's queue
    visit_every: int        # months between account-manager visits (contact notes)


CARE_PLANS = {
    "none": CarePlan(0.0, 1.0, 0.0, False, 0),
    "care": CarePlan(25.0, 0.65, 0.03, False, 3),   # greetings, recommendations, a visit a quarter
    "vip": CarePlan(80.0, 0.25, 0.08, True, 1),    # dedicated manager, VIP club, priority handling
}
STANDARD = {"care_plan": "none", "loyalty_discount": 0.0,
            "response_target_hours": 24.0, "compensation_policy": "standard"}
TREATMENT_CODE = {name: i for i, name in enumerate(records.TREATMENTS)}
POLICIES = ("minimal", "standard", "generous")  # compensation policies, coded 0 1 2


def levers_active(scenario) -> bool:
    """True when any customer-level lever differs from the standard service."""
    return any(getattr(scenario, name) != value for name, value in STANDARD.items())


def eligible(target_tier: str, level: np.ndarray, key_account: np.ndarray) -> np.ndarray:
    """Who the retention levers are for: everyone, the key accounts (大客户) or one value tier."""
    if target_tier == "all":
        return np.ones(len(level), bool)
    if target_tier == "key_accounts":
        return np.asarray(key_account, bool)
    return level == records.VALUE_LEVELS.index(target_tier)


def assign(scenario, ids: np.ndarray, level: np.ndarray, key_account: np.ndarray) -> np.ndarray:
    """Treatment codes (0 none, 1 control, 2 treated) for customers: a coin per customer id.

    Eligible: see ``eligible`` (``level`` holds value-level codes). With no
    customer-level lever pulled there is nothing to compare: everyone is
    "none".
    """
    out = np.zeros(len(ids), dtype=np.int8)
    if not levers_active(scenario):
        return out
    eligible_ = eligible(scenario.target_tier, level, key_account)
    u = streams.keyed_uniforms(streams.stream_key(scenario.seed, "levers.assignment"), ids, 0)
    out[eligible_] = np.where(u[eligible_] < scenario.treated_share, TREATMENT_CODE["treated"], TREATMENT_CODE["control"])
    return out


def per_customer(scenario, treatment: np.ndarray) -> dict[str, np.ndarray]:
    """Each customer's lever values: the scenario's for the treated, the standard for everyone else."""
    treated = treatment == TREATMENT_CODE["treated"]
    plan = CARE_PLANS[scenario.care_plan]
    policies = list(POLICIES)
    return {
        "care_level": np.where(treated, records.CARE_PLANS.index(scenario.care_plan), 0),
        "care_hazard": np.where(treated, plan.hazard, 1.0),
        "care_boost": np.where(treated, plan.monthly_boost, 0.0),
        "care_cost": np.where(treated, plan.monthly_cost, 0.0),
        "care_visit_every": np.where(treated, plan.visit_every, 0),
        "priority": treated & plan.priority,
        "discount": np.where(treated, scenario.loyalty_discount, 0.0),
        "target_hours": np.where(treated, scenario.response_target_hours, STANDARD["response_target_hours"]),
        "policy": np.where(treated, policies.index(scenario.compensation_policy), policies.index("standard")),
    }


# --- what the events table says about the scenario -------------------------------------
_CALENDAR_AND_SIZE = {"start", "days", "seed", "customers", "prospects", "scenario_name", "survey_waves", "survey_sample"}


def lever_events(scenario) -> list[tuple[str, float, float, str, str]]:
    """Rows (kind, start day, end day, segment, detail) describing the scenario's settings.

    One ``scenario`` row naming the preset, then one ``lever`` row per
    changed setting, so a dataset always says what was pulled. Competitor
    moves and the new market get their own rows when they happen.
    """
    from .scenario import PARAM_BY_NAME, PRESETS, changed_fields
    sc = scenario
    last = sc.days - 1
    name = sc.scenario_name
    text = PRESETS[name].description if name in PRESETS else "custom settings"
    if name in PRESETS:
        own = {**{p.name: p.default for p in PARAM_BY_NAME.values()}, **PRESETS[name].overrides}
        if any(getattr(sc, k) != v for k, v in own.items() if k not in _CALENDAR_AND_SIZE):
            text += " Modified: see the lever rows."
    rows = [("scenario", 0, last, "all", f"{name}: {text}")]
    changed = {k: v for k, v in changed_fields(sc).items() if k not in _CALENDAR_AND_SIZE}
    timed = {"price_war_competitor", "price_war_segment", "price_war_start_day", "price_war_cut",
             "hub_outage_days", "hub_outage_start_day", "hub_outage_capacity",
             "new_market", "new_market_day", "new_market_size"}
    experiment = {"care_plan", "loyalty_discount", "response_target_hours", "compensation_policy",
                  "target_tier", "treated_share"}
    for field, value in changed.items():
        if field in timed or field in experiment or field.startswith("share_") or field == "peak_extra_capacity":
            continue
        p = PARAM_BY_NAME[field]
        rows.append(("lever", 0, last, "all", f"{field} = {value} ({p.label}; default {p.default})"))
    if any(f.startswith("share_") for f in changed):
        mix = ", ".join(f"{t} {v:.0%}" for t, v in sc.shares.items())
        rows.append(("lever", 0, last, "all", f"customer mix: {mix}"))
    if levers_active(sc):
        pulled = ", ".join(f"{k} = {getattr(sc, k)}" for k in STANDARD if getattr(sc, k) != STANDARD[k])
        tier = {"all": "all customers", "key_accounts": "the key accounts"}.get(sc.target_tier, f"the {sc.target_tier} tier")
        design = ("every eligible customer" if sc.treated_share >= 1.0 else
                  f"a random {sc.treated_share:.0%} of them (the rest are the control group)")
        rows.append(("experiment", 0, last, "all",
                     f"{pulled} for {tier}: {design}; see customers.treatment"))
    if sc.peak_extra_capacity > 0:
        season = np.flatnonzero(calendar.day_factors(sc.start, sc.days)["peak_season"])
        for run in np.split(season, np.flatnonzero(np.diff(season) > 1) + 1) if len(season) else []:
            rows.append(("extra_capacity", int(run[0]), int(run[-1]), "all",
                         f"{sc.peak_extra_capacity:.0%} extra sorting capacity hired for the Double 11 season"))
    return rows
