"""Customer development: the prospecting funnel, the sales force and the won customers it brings."""
import numpy as np
import pandas as pd
import pytest

from courier_sim import behaviour as B
from courier_sim import preset, records, simulate
from courier_sim.calibration import r15_acquisition_vs_retention
from courier_sim.population import PROSPECT_ID_OFFSET
from courier_sim.sales import METHODS, MIX, largest_first, method_weights, reach_weights, response_probability

STAGES = ["lead_date", "qualified", "visited", "proposal", "closed"]


@pytest.fixture(scope="module")
def funnel(year_result):
    s = year_result.sales
    types = year_result.customers.set_index("customer_id")["customer_type"]
    return s.assign(customer_type=s["customer_id"].map(types).astype(str), won=s["result"] == "won")


def test_the_funnel_stamps_stages_in_order(funnel):
    s = funnel
    assert s["lead_id"].is_unique and set(s["method"]) == set(records.METHODS)
    for earlier, later in zip(STAGES, STAGES[1:]):
        both = s[earlier].notna() & s[later].notna()
        assert (s.loc[both, later] >= s.loc[both, earlier]).all(), (earlier, later)
    # a lead reaches a stage only through the ones before it
    for earlier, later in zip(STAGES[1:4], STAGES[2:4]):
        assert not (s[later].notna() & s[earlier].isna()).any()
    won = s[s["won"]]
    assert won["proposal"].notna().all() and won["lost_reason"].isna().all()
    lost = s[s["result"] == "lost"]
    assert lost["lost_reason"].notna().all() and lost["closed"].notna().all()
    still_open = s[s["result"] == "open"]
    assert still_open["closed"].isna().all()
    assert (s["cost"] >= 0).all() and (won["cost"] > 0).all()
    # prospects only: never a customer we had on day 1
    assert (s["customer_id"] > PROSPECT_ID_OFFSET).all()


def test_every_lost_reason_of_the_courseware_shows_up(funnel):
    reasons = set(funnel["lost_reason"].dropna())
    assert {"no_response", "no_need", "bad_credit", "loyal_to_competitor", "not_interested"} <= reasons


def test_won_prospects_become_customers_with_channel_and_date(year_result, funnel):
    c = year_result.customers.set_index("customer_id")
    won = funnel[funnel["won"]]
    assert won["customer_id"].is_unique and len(won) > 100
    joined = c.loc[won["customer_id"], "joined"].to_numpy()
    assert (joined > won["closed"].to_numpy()).all()
    assert (joined - won["closed"].to_numpy() <= np.timedelta64(1, "D")).all()
    assert (c.loc[won["customer_id"], "acquisition_channel"].astype(str).to_numpy() == won["method"].astype(str).to_numpy()).all()
    shipped = set(year_result.shipments["customer_id"])
    assert np.mean([cid in shipped for cid in won["customer_id"]]) > 0.8
    # key accounts start in the fragile initial stage
    new_key = c.loc[won["customer_id"]]
    new_key = new_key[new_key["relationship_stage"].notna() & (new_key["relationship_stage"] != "incubation")]
    changes = year_result.stage_changes
    firsts = changes[changes["customer_id"].isin(new_key.index)].groupby("customer_id").first()
    assert (firsts["from_stage"] == "incubation").all() and (firsts["to_stage"] == "initial").all()


def test_bad_payers_slip_through_and_are_dropped_later(year_result, funnel):
    c = year_result.customers.set_index("customer_id")
    won = c.loc[funnel.loc[funnel["won"], "customer_id"]]
    bad = won[won["credit"] == "bad"]
    assert len(bad) > 0
    assert (bad["churn_kind"] == "dropped").any()
    # the records research method screens most of them out before a visit
    screened = funnel[funnel["lost_reason"] == "bad_credit"]
    assert screened["method"].value_counts().idxmax() in ("records_research", "market_consultation")


def test_conversion_differs_by_method(funnel):
    rate = funnel.groupby("method", observed=True)["won"].mean()
    assert rate.max() > 8 * rate.min()
    assert rate["referral"] > rate["door_to_door"] > rate["direct_mail"]
    assert rate["halo"] > rate["telemarketing"]
    # direct mail and telemarketing: many cheap leads, few answers
    volume = funnel["method"].value_counts()
    assert volume["direct_mail"] > volume["door_to_door"] and volume["telemarketing"] > volume["door_to_door"]
    per_lead = funnel.groupby("method", observed=True)["cost"].mean()
    assert per_lead["direct_mail"] < per_lead["door_to_door"] < per_lead["halo"]


def test_conversion_differs_by_customer_type(funnel):
    door = funnel[funnel["method"] == "door_to_door"].groupby("customer_type")["won"].mean()
    assert min(door["cbd"], door["specialty"]) > 3 * door["individual"]
    qualified = funnel.assign(q=funnel["qualified"].notna())
    tele = qualified[qualified["method"] == "telemarketing"].groupby("customer_type")["q"].mean()
    assert tele["ecommerce"] > tele["cbd"]  # secretaries screen the calls in office towers
    referral = funnel[funnel["method"].isin(["referral", "snowball"])]
    by_type = referral.groupby(referral["customer_type"] == "individual")["won"].mean()
    assert by_type[False] > by_type[True]  # businesses that know each other


def test_satisfied_customers_send_referrals(year_result, funnel):
    referrals = funnel[funnel["method"] == "referral"]
    assert len(referrals) > 50
    assert set(year_result.customers.loc[year_result.customers["customer_id"].isin(referrals["customer_id"]), "courier"]) <= set(records.COURIERS)


def test_acquisition_costs_several_times_retention(year_result):
    value, ok = r15_acquisition_vs_retention(year_result)
    assert ok, value


def test_without_salespeople_referrals_go_cold():
    r = simulate(preset("baseline", customers=300, prospects=300, days=150, seed=2, sales_reps=0))
    s = r.sales
    assert (s["result"] != "won").all()
    assert set(s["method"]) == {"referral"}
    assert (s["lost_reason"].dropna().isin(["no_follow_up", "no_response", "no_need", "bad_credit"])).all()
    assert (s["lost_reason"] == "no_follow_up").any()


def test_same_seed_same_funnel_and_another_seed_differs(small_scenario, small_result):
    again = simulate(small_scenario)
    for table in ("sales", "pitches", "surveys", "retention_actions", "contacts"):
        pd.testing.assert_frame_equal(small_result.tables[table], again.tables[table])
    other = simulate(small_scenario.replace(seed=small_scenario.seed + 1))
    assert not small_result.sales["customer_id"].equals(other.sales["customer_id"])


def test_a_single_method_is_the_only_one_prospected():
    r = simulate(preset("baseline", customers=200, prospects=400, days=90, seed=4, sales_method="door_to_door"))
    assert set(r.sales["method"]) <= {"door_to_door", "referral"}  # referrals still arrive on their own
    assert (r.sales["method"] == "door_to_door").sum() > 50


# --- the pure rules ---------------------------------------------------------------


def test_method_tables_cover_every_method():
    assert set(METHODS) == set(records.METHODS) == set(MIX)
    assert method_weights("mix").sum() == pytest.approx(1.0)
    w = method_weights("halo")
    assert w[records.METHODS.index("halo")] == 1.0 and w.sum() == 1.0


def test_door_to_door_reaches_towers_and_markets_not_homes():
    m = records.METHODS.index("door_to_door")
    d = {name: records.DISTRICTS.index(name) for name in records.DISTRICTS}
    t = records.CUSTOMER_TYPES.index
    tower = response_probability(m, t("cbd"), d["cbd_tower"])
    market = response_probability(m, t("specialty"), d["specialty_market"])
    home = response_probability(m, t("individual"), d["residential"])
    assert min(tower, market) > 4 * home
    halo = records.METHODS.index("halo")
    high, mass = reach_weights(halo, np.array([0, 0]), np.array([0, 0]), np.array([0, 2]), np.array([False, False]))
    assert high > 10 * mass  # centres of influence introduce the big shippers


def test_meeting_and_closing_rules():
    loyal, free = np.array([0.8]), np.array([0.1])
    assert B.meeting_probability(loyal, 0.0, np.array([1]))[0] < B.meeting_probability(free, 0.0, np.array([1]))[0]
    assert B.meeting_probability(loyal, 1.0, np.array([1]))[0] > B.meeting_probability(loyal, 0.0, np.array([1]))[0]
    args = dict(w_price=np.array([0.4]), w_brand=np.array([0.1]), loyalty=np.array([0.3]), trust=0.0)
    cheap = B.win_probability(price_index=0.9, rival_is_low_price=np.array([True]), **args)[0]
    dear = B.win_probability(price_index=1.3, rival_is_low_price=np.array([True]), **args)[0]
    assert cheap > dear + 0.2  # customers of the low-price rival choose on price
    premium = B.win_probability(price_index=1.3, rival_is_low_price=np.array([False]), **args)[0]
    assert premium > dear


def test_only_clearly_satisfied_customers_refer_and_rewards_help():
    sat = np.array([0.3, 0.6, 0.9])
    p = B.referral_probability(sat, np.ones(3), 0.0)
    assert p[0] == 0 and 0 < p[1] < p[2]
    assert (B.referral_probability(sat[1:], np.ones(2), 300.0) > p[1:]).all()


def test_largest_first_is_a_partial_sort():
    rng = np.random.default_rng(0)
    keys = np.log(rng.random(500)) / rng.uniform(0.1, 2.0, 500)
    for k in (0, 1, 7, 499, 500):
        assert largest_first(keys, k).tolist() == np.argsort(-keys)[:k].tolist()
    # zero weights give -inf keys: once the finite ones run out, the full sort decides as before
    keys[::2] = -np.inf
    for k in (3, 250, 251, 400):
        assert largest_first(keys, k).tolist() == np.argsort(-keys)[:k].tolist()
