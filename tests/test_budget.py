"""The capstone budget: price list arithmetic, booked vs unbooked costs, net profit."""
from __future__ import annotations

import pytest

from courier_sim import budget, levers, population, preset

SMALL = {"customers": 300, "prospects": 200, "seed": 3}


def _key_accounts(scenario) -> int:
    market = population.draw(scenario)
    return int((market["key_account"] & (market["courier"] == "us")).sum())


def test_the_normal_year_costs_nothing():
    scenario = preset("baseline", **SMALL)
    assert budget.policy_cost(scenario) == 0
    assert budget.unbooked_cost(scenario) == 0
    assert budget.within_budget(scenario)
    assert (budget.cost_breakdown(scenario)["cost"] == 0).all()


def test_resources_are_priced_per_unit_against_the_baseline():
    scenario = preset("baseline", service_staff=5, peak_extra_capacity=0.3, capacity_ratio=1.25,
                      service_quality=1.1, pitch_targeting="needs_based", sales_reps=4, **SMALL)
    costs = budget.cost_breakdown(scenario)["cost"]
    assert costs["service_staff"] == pytest.approx(2 * 72_000)
    assert costs["peak_extra_capacity"] == pytest.approx(24_000)
    assert costs["capacity_ratio"] == pytest.approx(60_000)
    assert costs["service_quality"] == pytest.approx(50_000)
    assert costs["pitch_targeting"] == pytest.approx(20_000)
    assert costs["sales_reps"] == pytest.approx(57_500)
    # salespeople are booked in the simulated profit; the rest is not
    assert budget.unbooked_cost(scenario) == pytest.approx(2 * 72_000 + 24_000 + 60_000 + 50_000 + 20_000)
    assert budget.policy_cost(scenario) == pytest.approx(budget.unbooked_cost(scenario) + 57_500)


def test_going_below_the_baseline_saves_money():
    assert budget.policy_cost(preset("baseline", service_staff=2, **SMALL)) == pytest.approx(-72_000)
    assert budget.policy_cost(preset("baseline", compensation_policy="minimal", **SMALL)) < 0


def test_care_plan_is_sized_from_the_day_one_customer_list():
    scenario = preset("baseline", care_plan="vip", target_tier="key_accounts", treated_share=0.5, **SMALL)
    n = _key_accounts(scenario)
    assert n > 0
    monthly = levers.CARE_PLANS["vip"].monthly_cost
    assert budget.policy_cost(scenario) == pytest.approx(0.5 * n * monthly * 12)
    assert budget.unbooked_cost(scenario) == 0  # care-plan fees are in the simulated profit


def test_no_customer_lever_means_nobody_is_treated():
    # a target tier alone changes nothing: no customer-level lever is pulled
    scenario = preset("baseline", target_tier="high", treated_share=0.5, **SMALL)
    assert budget.treated_plan(scenario)["treated"] == 0
    assert budget.policy_cost(scenario) == 0


def test_within_budget_edges():
    over = preset("baseline", service_staff=7, **SMALL)   # 4 × 72,000 = 288,000
    assert not budget.within_budget(over)
    assert budget.within_budget(over, budget=300_000)


def test_net_profit_subtracts_only_unbooked_costs(small_result):
    from courier_sim.kpis import kpis
    assert budget.net_profit(small_result) == pytest.approx(kpis(small_result)["profit"])


def test_price_list_covers_every_priced_item():
    items = set(budget.price_list().index)
    assert items == set(budget.cost_breakdown(preset("baseline", **SMALL)).index)
    assert all(label_zh for label_zh in budget.price_list()["label_zh"])
