"""The capstone's budget (预算): what a branch policy costs, priced before the year starts.

Like the request a branch manager sends to head office: a price list for
each resource or programme, the branch's own customer list to size the
programmes that reach customers, and a total that must fit the extra budget
head office granted (``BUDGET``). Costs are *extra* spending against the
baseline preset's settings (three complaint handlers, three salespeople,
normal capacity, no care plan, standard compensation); going below the
baseline saves money (a negative cost).

Two kinds of item:

- **booked** items the simulator already charges in a run's profit
  (``courier_sim.kpis``): salespeople's time (the ``sales`` table), care-plan
  fees, discounts and compensation (the ``retention_actions`` table). Their
  price here is only the plan;
- **unbooked** items the simulator does not charge: complaint handlers'
  salaries, sorting capacity, handling quality, pitch training. ``net_profit``
  subtracts them from a run's profit, so policies are compared on one
  bottom line (政策后利润).

Pure pandas, no SimPy: ``policy_cost`` needs only the scenario (it draws the
day-1 customer list, which takes a few hundredths of a second).
"""
from __future__ import annotations

import pandas as pd

from . import levers, population, records
from .kpis import kpis
from .scenario import Scenario, preset

BUDGET = 250_000.0  # yuan per year: the extra budget head office grants the branch

# Planning figures per day-1 customer and year (last year's averages by value tier).
PLANNED_REVENUE = {"high": 15_000.0, "mid": 4_000.0, "mass": 1_000.0}   # yuan
PLANNED_COMPLAINTS = {"high": 3.8, "mid": 0.7, "mass": 0.15}             # complaints

# item -> (English, 中文, unit price text, booked in the simulated profit?)
PRICE_LIST: dict[str, tuple[str, str, str, bool]] = {
    "service_staff": ("Complaint handlers", "客服人员", "72,000 yuan per handler per year", False),
    "capacity_ratio": ("Sorting capacity, all year", "常年处理能力", "60,000 yuan per +0.1 of capacity ratio", False),
    "peak_extra_capacity": ("Extra capacity, Double 11 season", "双十一临时运力", "8,000 yuan per +0.1 (10 %) for the season", False),
    "service_quality": ("Handling quality programme", "操作质量提升", "50,000 yuan per +0.1 of quality", False),
    "pitch_targeting": ("Needs-based pitch training", "按需推介培训", "20,000 yuan (needs_based)", False),
    "sales_reps": ("Salespeople", "销售人员", "57,500 yuan per salesperson per year (230 a day)", True),
    "care_plan": ("Care plan / VIP service", "关怀计划 / VIP服务", "25 (care) or 80 (vip) yuan per treated customer per month", True),
    "loyalty_discount": ("Loyalty discount", "忠诚客户折扣", "discount × planned revenue of treated customers", True),
    "compensation_policy": ("Compensation policy", "赔偿政策", "(0 / 20 / 60 yuan − 20) × planned complaints of treated customers", True),
}
UNIT_PRICE = {
    "service_staff": 72_000.0,        # per handler
    "capacity_ratio": 600_000.0,      # per +1.0 (60,000 per +0.1)
    "peak_extra_capacity": 80_000.0,  # per +1.0 (8,000 per +0.1)
    "service_quality": 500_000.0,     # per +1.0 (50,000 per +0.1)
    "pitch_targeting": 20_000.0,      # needs-based training, once
    "sales_reps": 57_500.0,           # per salesperson
}
COMPENSATION_PER_COMPLAINT = {"minimal": 0.0, "standard": 20.0, "generous": 60.0}
MONTHS = 12


def _baseline() -> Scenario:
    return preset("baseline")


def treated_plan(scenario: Scenario) -> dict[str, float]:
    """Expected treated day-1 customers and their planned revenue and complaints.

    The customer-level levers (care plan, discount, compensation, response
    target) reach the treated share of the target tier (``target_tier``,
    ``treated_share``); with none of them pulled nobody is treated.
    """
    if not levers.levers_active(scenario):
        return {"treated": 0.0, "revenue": 0.0, "complaints": 0.0}
    market = population.draw(scenario)
    ours = market[market["courier"] == "us"]
    level = pd.Categorical(ours["value_level"], categories=records.VALUE_LEVELS)
    eligible = levers.eligible(scenario.target_tier, level.codes, ours["key_account"].to_numpy(bool))
    tiers = pd.Series(level[eligible]).value_counts()
    share = scenario.treated_share
    return {
        "treated": share * float(eligible.sum()),
        "revenue": share * sum(float(n) * PLANNED_REVENUE[t] for t, n in tiers.items()),
        "complaints": share * sum(float(n) * PLANNED_COMPLAINTS[t] for t, n in tiers.items()),
    }


def cost_breakdown(scenario: Scenario) -> pd.DataFrame:
    """One row per priced item: its setting, extra cost against the baseline (yuan) and whether it is booked.

    Rows for items at their baseline setting have cost 0. Columns:
    ``label``, ``label_zh``, ``setting``, ``baseline``, ``cost``, ``booked``.
    """
    base = _baseline()
    plan = treated_plan(scenario)
    costs = {
        "service_staff": (scenario.service_staff - base.service_staff) * UNIT_PRICE["service_staff"],
        "capacity_ratio": (scenario.capacity_ratio - base.capacity_ratio) * UNIT_PRICE["capacity_ratio"],
        "peak_extra_capacity": (scenario.peak_extra_capacity - base.peak_extra_capacity) * UNIT_PRICE["peak_extra_capacity"],
        "service_quality": (scenario.service_quality - base.service_quality) * UNIT_PRICE["service_quality"],
        "pitch_targeting": UNIT_PRICE["pitch_targeting"] if scenario.pitch_targeting == "needs_based" else 0.0,
        "sales_reps": (scenario.sales_reps - base.sales_reps) * UNIT_PRICE["sales_reps"],
        "care_plan": plan["treated"] * levers.CARE_PLANS[scenario.care_plan].monthly_cost * MONTHS,
        "loyalty_discount": plan["revenue"] * scenario.loyalty_discount,
        "compensation_policy": plan["complaints"] * (COMPENSATION_PER_COMPLAINT[scenario.compensation_policy]
                                                     - COMPENSATION_PER_COMPLAINT["standard"]),
    }
    rows = []
    for item, cost in costs.items():
        label, label_zh, _, booked = PRICE_LIST[item]
        rows.append({"item": item, "label": label, "label_zh": label_zh, "setting": getattr(scenario, item),
                     "baseline": getattr(base, item), "cost": round(float(cost), 2), "booked": booked})
    return pd.DataFrame(rows).set_index("item")


def policy_cost(scenario: Scenario) -> float:
    """Planned extra cost of the scenario's policy for a year, in yuan (negative: it saves money)."""
    return round(float(cost_breakdown(scenario)["cost"].sum()), 2)


def within_budget(scenario: Scenario, budget: float = BUDGET) -> bool:
    """True when the policy's planned extra cost fits the budget."""
    return policy_cost(scenario) <= budget + 1e-6


def unbooked_cost(scenario: Scenario) -> float:
    """The part of the planned cost that a simulated year's profit does not already include."""
    table = cost_breakdown(scenario)
    return round(float(table.loc[~table["booked"], "cost"].sum()), 2)


def net_profit(result) -> float:
    """A run's profit after the policy: simulated profit minus the unbooked costs (政策后利润)."""
    return round(kpis(result)["profit"] - unbooked_cost(result.scenario), 2)


def price_list() -> pd.DataFrame:
    """The price list as a table for lessons: item, English, 中文, price, booked."""
    return pd.DataFrame(
        [{"item": k, "label": v[0], "label_zh": v[1], "price": v[2], "booked": v[3]} for k, v in PRICE_LIST.items()]
    ).set_index("item")
