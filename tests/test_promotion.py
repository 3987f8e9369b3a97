"""Service promotion at pickup: who takes which offer, who is annoyed, and what it does to shipments."""
import numpy as np
import pytest

from courier_sim import behaviour as B
from courier_sim import preset, records, simulate
from courier_sim.promotion import choose_offer, held_offers

T = B.TYPE_CODE
M = B.MARKET_CODE
O = B.OFFER


def fits(customer_type, market="none", item_value=150.0, fragility=0.1, regular=True, w_speed=0.2, same_city=0.1):
    return B.offer_fits(np.array([T[customer_type]]), np.array([M[market]]), np.array([item_value]),
                        np.array([fragility]), np.array([regular]), np.array([w_speed]), np.array([same_city]))[0]


def test_high_end_accept_new_services_readily_mass_rarely():
    fit = np.full(3, 0.8)
    p = B.pitch_acceptance(fit, np.array([0, 1, 2]), np.full(3, 0.5))
    assert p[0] > p[1] > p[2] and p[0] > 4 * p[2]


def test_fit_follows_the_courseware():
    leather = fits("specialty", "leather", item_value=900)
    electronics = fits("specialty", "electronics", item_value=1500)
    documents = fits("cbd", item_value=50, fragility=0.02)
    assert min(leather[O["insured"]], electronics[O["insured"]]) > documents[O["insured"]] + 0.4
    fragile = fits("specialty", "fragile", fragility=0.9)
    assert fragile[O["packaging"]] > 0.8 and fragile[O["packaging"]] > 3 * documents[O["packaging"]]
    seller, person = fits("ecommerce"), fits("individual", regular=False)
    assert seller[O["cod"]] > 0.8 and person[O["cod"]] < 0.1
    hurried, relaxed = fits("cbd", w_speed=0.35), fits("cbd", w_speed=0.1)
    assert hurried[O["express"]] > relaxed[O["express"]]
    assert B.offer_fit(np.array([O["cod"]]), np.array([T["ecommerce"]]), np.array([0]), np.array([150.0]),
                       np.array([0.1]), np.array([True]), np.array([0.2]), np.array([0.1]))[0] == seller[O["cod"]]


def test_irrelevant_pitches_annoy_relevant_ones_rarely():
    level = np.array([1, 1])
    annoy = B.pitch_annoyance(np.array([0.05, 0.9]), level)
    assert annoy[0] > 0.3 and annoy[1] < 0.01


def test_choose_offer_never_pitches_what_the_customer_has():
    fit = np.array([[0.9, 0.1, 0.5, 0.2, 0.3, 0.4, 0.6, 0.0]] * 3)
    held = np.zeros((3, 8), bool)
    held[0, 0] = True
    held[2, :] = True
    u = np.array([0.0, 0.99, 0.5])
    best = choose_offer(fit, held, "needs_based", u)
    assert best[0] == 6 and best[1] == 0 and best[2] == -1
    rng = np.random.default_rng(1)
    for _ in range(50):
        held = rng.random((4, 8)) < 0.5
        pick = choose_offer(rng.random((4, 8)), held, "scripted", rng.random(4))
        for row, k in enumerate(pick):
            assert (k == -1) == held[row].all()
            if k >= 0:
                assert not held[row, k]


def test_held_offers_reads_services_and_upgrades():
    held = held_offers(np.array([0b000011]), np.array([0b10]))
    assert list(np.flatnonzero(held[0])) == [O["insured"], O["cod"], O["same_day"]]


@pytest.fixture(scope="module")
def promo_runs():
    base = dict(customers=400, prospects=0, days=240, seed=6, pitch_rate=0.2)
    return {t: simulate(preset("baseline", pitch_targeting=t, **base)) for t in ("scripted", "needs_based")}


def test_pitches_table_and_results(promo_runs):
    p = promo_runs["scripted"].pitches
    assert len(p) > 300 and p["pitch_id"].is_unique
    assert set(p["service"].dropna()) <= set(records.OFFERS)
    assert not (p["accepted"] & p["annoyed"]).any()
    c = promo_runs["scripted"].customers.set_index("customer_id")
    joined = p.join(c[["joined", "value_level"]], on="customer_id")
    assert (joined["date"] >= joined["joined"]).all()
    by_level = joined.groupby("value_level", observed=True)["accepted"].mean()
    assert by_level["high"] > by_level["mid"] > by_level["mass"]


def test_needs_based_pitching_sells_more_and_annoys_less(promo_runs):
    scripted, matched = promo_runs["scripted"].pitches, promo_runs["needs_based"].pitches
    assert matched["accepted"].mean() > scripted["accepted"].mean() + 0.05
    assert matched["annoyed"].mean() < scripted["annoyed"].mean() - 0.05


def test_accepted_services_show_up_on_later_shipments_and_in_revenue(promo_runs):
    r = promo_runs["needs_based"]
    p, s = r.pitches, r.shipments
    taken = p[p["accepted"] & p["service"].isin(["packaging", "sms_notify", "waybill_printing", "scheduled_pickup", "cod"])]
    assert len(taken) > 10
    hits = 0
    for row in taken.itertuples():
        later = s[(s["customer_id"] == row.customer_id) & (s["created"] > row.date)]
        before = s[(s["customer_id"] == row.customer_id) & (s["created"] < row.date)]
        if len(later):
            assert later["services"].astype(str).str.contains(row.service).all()
            hits += 1
        if len(before):
            assert not before["services"].astype(str).str.contains(row.service).all()
    assert hits > 5
    # service fees lift revenue: with pitching on, the same customers pay more per parcel
    off = simulate(preset("baseline", customers=400, prospects=0, days=240, seed=6, pitch_rate=0.0))
    assert s["price"].mean() > off.shipments["price"].mean()
