"""The pure behaviour rules, tested without SimPy."""
import numpy as np
import pytest

from courier_sim import behaviour as B


def test_stochastic_round_keeps_the_mean():
    u = np.random.default_rng(0).random(100_000)
    out = B.stochastic_round(np.full(100_000, 2.3), u)
    assert set(np.unique(out)) == {2, 3}
    assert out.mean() == pytest.approx(2.3, abs=0.01)


@pytest.mark.parametrize("lam", [0.05, 1.0, 7.5])
def test_poisson_from_uniform_has_poisson_mean_and_variance(lam):
    u = np.random.default_rng(1).random(200_000)
    k = B.poisson_from_uniform(np.full(len(u), lam), u)
    assert k.mean() == pytest.approx(lam, rel=0.03)
    assert k.var() == pytest.approx(lam, rel=0.05)


def test_lognormal_multiplier_has_mean_one():
    rng = np.random.default_rng(2)
    m = B.lognormal_from_uniforms(rng.random(200_000), rng.random(200_000), sigma=0.8)
    assert m.mean() == pytest.approx(1.0, rel=0.03)
    assert (m > 0).all()


def test_international_parcels_cost_far_more_than_same_city():
    route = np.array([0, 1, 2])
    product = np.array([0, 0, 4])
    price = B.parcel_price(route, product, np.array([1.0, 1.0, 1.0]))
    assert price[2] >= 5 * price[0]
    heavier = B.parcel_price(route, product, np.array([5.0, 5.0, 5.0]))
    assert (heavier > price).all()


def test_service_fees_add_insurance_by_declared_value():
    insured = 1 << 0
    fees = B.service_fees(np.array([0, insured, insured]), np.array([1000.0, 1000.0, 10.0]))
    assert fees[0] == 0 and fees[1] == pytest.approx(5.0) and fees[2] == pytest.approx(1.0)


def test_claims_pay_declared_value_only_when_insured():
    lost = np.array([B.OUTCOME["lost"]] * 2)
    pay = B.claim_payout(lost, np.array([2000.0, 2000.0]), np.array([10.0, 10.0]), np.array([True, False]))
    assert list(pay) == [2000.0, 30.0]
    none = B.claim_payout(np.array([B.OUTCOME["on_time"]]), np.array([2000.0]), np.array([10.0]), np.array([True]))
    assert none[0] == 0


def test_fragile_goods_break_more_and_overload_makes_it_worse():
    goods = np.array([B.GOODS["documents"], B.GOODS["fragile"]])
    calm = B.failure_probabilities(goods, np.array([0.0, 0.9]), overload=0.0, quality=1.0)
    rush = B.failure_probabilities(goods, np.array([0.0, 0.9]), overload=1.0, quality=1.0)
    assert calm["damaged"][1] >= 3 * calm["damaged"][0]
    assert (rush["damaged"] > calm["damaged"]).all() and rush["lost"][0] > calm["lost"][0]


def test_higher_expectations_are_harder_to_satisfy():
    on_time = np.array([B.OUTCOME["on_time"]] * 2)
    feel = B.parcel_experience(on_time, 0.2, 0.2, 0.2, 0.2, np.array([3.0, 4.5]))
    assert feel[0] > feel[1]


def test_failures_hurt_most_on_the_dimension_the_customer_weighs():
    late = np.array([B.OUTCOME["late"]] * 2)
    feel = B.parcel_experience(late, np.array([0.05, 0.4]), 0.2, 0.2, 0.2, 3.5)
    assert feel[1] < feel[0] < 0


def test_satisfaction_moves_toward_experience_and_stays_bounded():
    s = B.update_satisfaction(np.array([0.5, 0.9]), np.array([-1.0, 5.0]), np.array([0.5, 1.0]))
    assert s[0] == pytest.approx(-0.25) and s[1] == 1.0


def test_complaints_come_from_failures_and_from_unhappy_customers_sooner():
    outcome = np.array([B.OUTCOME["on_time"], B.OUTCOME["late"], B.OUTCOME["lost"]])
    p = B.complaint_probability(outcome, np.ones(3), np.full(3, 3.5), np.full(3, 0.4))
    assert p[0] == 0 and 0 < p[1] < p[2]
    unhappy = B.complaint_probability(outcome, np.ones(3), np.full(3, 3.5), np.full(3, -0.5))
    assert unhappy[1] > p[1]


def test_fast_generous_handling_recovers_more():
    fast = B.recovery_probability(np.array([2.0]), 24.0, "generous")
    slow = B.recovery_probability(np.array([120.0]), 24.0, "minimal")
    assert fast[0] > slow[0]


def test_churn_hazard_falls_with_satisfaction_and_rises_with_a_price_war():
    level = np.array([2, 2])
    h = B.competitor_hazard(level, np.array([-0.5, 0.8]), np.ones(2), np.ones(2))
    assert h[0] > 5 * h[1]
    pull = B.price_pull(np.array([0.5]), 1.0, np.array([0.3]))
    assert pull[0] > 2
    assert B.own_reasons_hazard(np.array([2]))[0] > B.own_reasons_hazard(np.array([0]))[0]
