"""Property tests: any valid scenario gives a run that keeps the invariants."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courier_sim import preset, simulate
from courier_sim.scenario import PARAM_BY_NAME

from test_engine import check_invariants


def _share_vectors():
    return st.lists(st.integers(0, 10), min_size=5, max_size=5).filter(lambda xs: sum(xs) > 0)


@st.composite
def scenarios(draw):
    weights = draw(_share_vectors())
    shares = {f"share_{t}": w / sum(weights) for t, w in
              zip(("enterprise", "individual", "cbd", "specialty", "ecommerce"), weights)}
    drift = 1.0 - sum(shares.values())
    shares["share_individual"] += drift
    def num(name, lo=None, hi=None):
        p = PARAM_BY_NAME[name]
        lo = p.low if lo is None else lo
        hi = p.high if hi is None else hi
        return draw(st.integers(lo, hi) if isinstance(p.default, int) else st.floats(lo, hi))
    return preset(
        "baseline",
        customers=num("customers", 20, 120), prospects=num("prospects", 0, 60), days=num("days", 7, 60),
        seed=num("seed"), start=draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))),
        price_index=num("price_index"), capacity_ratio=num("capacity_ratio"),
        peak_extra_capacity=num("peak_extra_capacity"), service_quality=num("service_quality"),
        service_staff=num("service_staff", 1, 10), response_target_hours=num("response_target_hours"),
        compensation_policy=draw(st.sampled_from(PARAM_BY_NAME["compensation_policy"].choices)),
        price_war_competitor=draw(st.sampled_from(PARAM_BY_NAME["price_war_competitor"].choices)),
        price_war_start_day=num("price_war_start_day", 0, 60), hub_outage_days=num("hub_outage_days"),
        hub_outage_start_day=num("hub_outage_start_day", 0, 60),
        **shares,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_valid_scenarios_keep_the_invariants(scenario):
    result = simulate(scenario)
    check_invariants(result)
    ours = result.customers[result.customers["customer_id"] <= scenario.customers]
    assert len(ours) == scenario.customers
