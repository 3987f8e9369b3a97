"""How customers and the network behave: small pure functions, no SimPy.

These are the rules of the game the engine plays each day. Each takes numpy
arrays (one entry per customer or per parcel) and returns arrays, so it can
be read, unit-tested and changed on its own, like a rule card in a board game.
"""
from __future__ import annotations

import math

import numpy as np

from . import records

OUTCOME = {name: i for i, name in enumerate(records.OUTCOMES)}
PRODUCT = {name: i for i, name in enumerate(records.PRODUCTS)}
ROUTE = {name: i for i, name in enumerate(records.ROUTES)}
GOODS = {name: i for i, name in enumerate(records.GOODS)}
LEVEL = {name: i for i, name in enumerate(records.VALUE_LEVELS)}

# --- counting parcels -----------------------------------------------------------


def stochastic_round(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Round x down or up so that the expected result is x (u uniform)."""
    base = np.floor(x)
    return (base + (u < x - base)).astype(np.int64)


def poisson_from_uniform(lam: np.ndarray, u: np.ndarray, max_k: int = 60) -> np.ndarray:
    """Inverse-CDF Poisson draw: the count k whose CDF first exceeds u."""
    lam = np.asarray(lam, dtype=float)
    k = np.zeros(lam.shape, dtype=np.int64)
    p = np.exp(-lam)
    cdf = p.copy()
    for i in range(1, max_k + 1):
        more = u > cdf
        if not more.any():
            break
        k += more
        p = p * lam / i
        cdf = cdf + p
    return k


def lognormal_from_uniforms(u1: np.ndarray, u2: np.ndarray, sigma: float) -> np.ndarray:
    """Mean-one lognormal multipliers from two uniforms (Box-Muller): bursts of online shopping."""
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return np.exp(sigma * z - 0.5 * sigma**2)


# --- prices and costs (yuan) ---------------------------------------------------
# First-kilogram price by route (rows) and product (columns: standard, express, same_day, economy, international).
BASE_PRICE = np.array([
    [8.0, 12.0, 18.0, 6.0, 8.0],     # same city
    [10.0, 18.0, 18.0, 7.0, 10.0],   # inter city
    [90.0, 90.0, 90.0, 90.0, 90.0],  # international
])
PRICE_PER_KG = np.array([1.5, 3.0, 30.0])
SERVICE_FEE = {"insured": 0.005, "cod": 0.01, "waybill_printing": 0.5, "sms_notify": 0.1,
               "packaging": 3.0, "scheduled_pickup": 1.0}  # insured, cod: share of declared value
TYPE_DISCOUNT = {"enterprise": 0.12, "individual": 0.0, "cbd": 0.08, "specialty": 0.10, "ecommerce": 0.25}
LEVEL_DISCOUNT = {"high": 0.12, "mid": 0.05, "mass": 0.0}


def parcel_price(route: np.ndarray, product: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """List price of carrying a parcel, before services and discounts."""
    return BASE_PRICE[route, product] + PRICE_PER_KG[route] * np.maximum(weight - 1.0, 0.0)


def service_fees(service_bits: np.ndarray, declared: np.ndarray) -> np.ndarray:
    """Fees for value-added services (增值服务), from a bitmask per parcel."""
    fee = np.zeros(len(service_bits))
    for bit, name in enumerate(records.SERVICES):
        has = (service_bits >> bit) & 1
        rate = SERVICE_FEE[name]
        amount = np.maximum(rate * declared, 1.0) if name in ("insured", "cod") else rate
        fee += has * amount
    return fee


def handling_cost(route: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Sorting plus line haul: what moving the parcel costs us, pickup aside."""
    haul = np.array([1.0, 3.0, 45.0])[route] + np.array([0.3, 0.8, 18.0])[route] * weight
    return 1.2 + 0.3 * weight + haul


def pickup_cost(km: np.ndarray) -> np.ndarray:
    """A courier's stop at the customer's door (shared by the parcels picked up)."""
    return 2.5 + 0.9 * km


def claim_payout(outcome: np.ndarray, declared: np.ndarray, price: np.ndarray, insured: np.ndarray) -> np.ndarray:
    """What we pay for a lost or damaged parcel: declared value if insured, else at most 3x the fee."""
    uninsured_cap = np.minimum(declared, 3.0 * price)
    full = np.where(insured, declared, uninsured_cap)
    return np.select([outcome == OUTCOME["lost"], outcome == OUTCOME["damaged"]], [full, 0.5 * full], 0.0)


# --- service outcomes ----------------------------------------------------------
OVERTIME = 1.15  # how far overtime stretches a day's sorting capacity
GOODS_DAMAGE = np.array([0.15, 1.0, 6.0, 0.8, 2.0, 1.2])  # by GOODS order


def failure_probabilities(goods: np.ndarray, fragility: np.ndarray, overload: float, quality: float) -> dict:
    """Per-parcel chance of loss, damage, tracking and billing errors.

    ``overload`` (0 = normal, 1 = a day at twice capacity) makes rushed
    handling lose, break and mis-scan more; ``quality`` divides it all.
    """
    rush = 1.0 + 1.5 * overload
    return {
        "lost": np.full(len(goods), 0.00035 * rush / quality),
        "damaged": 0.0009 * GOODS_DAMAGE[goods] * (0.7 + 0.6 * fragility) * rush / quality,
        "tracking_error": np.full(len(goods), 0.004 * rush),
        "billing_error": np.full(len(goods), 0.002),
    }


# --- satisfaction ----------------------------------------------------------------


def on_time_feel(expectation):
    """How an on-time parcel feels: less pleasing to a customer who expects a lot."""
    return 0.95 - 0.4 * (expectation - 3.0)


def parcel_experience(outcome: np.ndarray, w_speed, w_safety, w_convenience, w_price, expectation) -> np.ndarray:
    """How one parcel felt to the customer, on -1 .. 1.

    Satisfaction (客户满意度) is experience against expectation: the same
    on-time parcel pleases a customer expecting little more than one
    expecting a lot; a failure hurts most on the dimension the customer weighs.
    """
    on_time = on_time_feel(expectation)
    return np.select(
        [outcome == OUTCOME["on_time"], outcome == OUTCOME["late"], outcome == OUTCOME["lost"],
         outcome == OUTCOME["damaged"], outcome == OUTCOME["tracking_error"], outcome == OUTCOME["billing_error"]],
        [on_time, -0.35 - 2.0 * w_speed, -1.0 - 2.0 * w_safety, -0.9 - 2.0 * w_safety,
         on_time - 0.6 - w_convenience, on_time - 0.8 - 2.0 * w_price],
    )


NEGATIVITY = 3.0     # a bad day moves satisfaction three times as far as a good one
RECOVERED = 0.05     # a complaint handled well nearly restores the mood
UNRECOVERED = -0.35  # one handled badly sours it


def update_satisfaction(satisfaction: np.ndarray, experience: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Move satisfaction toward today's experience; ``weight`` is how much today counts."""
    return np.clip(satisfaction + weight * (experience - satisfaction), -1.0, 1.0)


# --- complaints ------------------------------------------------------------------
CAUSE_OF_OUTCOME = {"late": "late", "lost": "lost", "damaged": "damaged",
                    "tracking_error": "tracking", "billing_error": "billing"}
COMPLAINT_BASE = {"late": 0.008, "lost": 0.6, "damaged": 0.45, "tracking_error": 0.03, "billing_error": 0.12}
TYPE_PROPENSITY = {"enterprise": 1.0, "individual": 0.9, "cbd": 1.7, "specialty": 1.1, "ecommerce": 1.2}
LEVEL_PROPENSITY = {"high": 1.3, "mid": 1.0, "mass": 0.8}
ATTITUDE_RATE = 0.00009  # complaints about staff attitude, per parcel


def complaint_probability(outcome: np.ndarray, propensity: np.ndarray, exp_speed: np.ndarray,
                          satisfaction: np.ndarray) -> np.ndarray:
    """Chance a parcel's outcome turns into a complaint (投诉) from this customer.

    A late parcel only angers those who expected speed; losses anger
    everyone; a customer already unhappy complains sooner.
    """
    p = np.zeros(len(outcome))
    for name, base in COMPLAINT_BASE.items():
        p = np.where(outcome == OUTCOME[name], base, p)
    speed_factor = np.where(outcome == OUTCOME["late"], np.exp(0.9 * (exp_speed - 3.5)), 1.0)
    mood = np.exp(-1.2 * (satisfaction - 0.4))
    return np.clip(p * propensity * speed_factor * mood, 0.0, 1.0)


COMPENSATION = {"minimal": (0.0, 0.45), "standard": (20.0, 0.65), "generous": (60.0, 0.8)}


def recovery_probability(response_hours: np.ndarray, target_hours: float, policy: str) -> np.ndarray:
    """Chance a handled complaint wins the customer back: fast, fair answers recover.

    The customer judges the response time itself (within a few hours is
    reassuring, after a day it hurts more each day); missing the promised
    target disappoints on top of that.
    """
    _, base = COMPENSATION[policy]
    if np.ndim(response_hours) == 0:  # one complaint at a time from the engine: plain floats are faster
        h = float(response_hours)
        p = base + 0.15 * math.exp(-h / 8.0) - min(max((h - 24.0) / 72.0, 0.0), 0.6) - (0.05 if h > target_hours else 0.0)
        return np.float64(min(max(p, 0.02), 0.98))
    response_hours = np.asarray(response_hours, dtype=float)
    speed_bonus = 0.15 * np.exp(-response_hours / 8.0)
    late_penalty = np.clip((response_hours - 24.0) / 72.0, 0.0, 0.6)
    missed_promise = np.where(response_hours > target_hours, 0.05, 0.0)
    return np.clip(base + speed_bonus - late_penalty - missed_promise, 0.02, 0.98)


def compensation_amount(cause: str, policy: str, price: float) -> float:
    """Goodwill compensation paid while handling a complaint (on top of claims)."""
    amount, _ = COMPENSATION[policy]
    if cause in ("lost", "damaged"):
        return amount * 1.5
    if cause == "billing":
        return max(amount * 0.5, price if policy != "minimal" else 0.0)
    return amount


# --- churn -----------------------------------------------------------------------
# Weekly hazards by value level (high, mid, mass) at neutral satisfaction.
COMPETITOR_HAZARD = np.array([0.00014, 0.0006, 0.0023])
OWN_REASONS_HAZARD = np.array([0.0002, 0.0004, 0.0011])
STAGE_HAZARD = {None: 1.0, "initial": 1.8, "stable": 0.8, "strategic": 0.45}


def competitor_hazard(level: np.ndarray, satisfaction: np.ndarray, pull: np.ndarray, stage_factor: np.ndarray) -> np.ndarray:
    """Weekly chance a competitor lures the customer away (被竞争对手吸引).

    Falls steeply with satisfaction; rises with a competitor's pull (a price
    war, our prices); key accounts in a fragile initial stage leave easily.
    """
    return np.clip(COMPETITOR_HAZARD[level] * np.exp(-6.5 * (satisfaction - 0.3)) * pull * stage_factor, 0, 0.5)


def own_reasons_hazard(level: np.ndarray, satisfaction: np.ndarray | None = None) -> np.ndarray:
    """Weekly chance the customer leaves for its own reasons: moving, closing, changing plans.

    A customer attached to us is likelier to take us along when its plans
    change, so the hazard falls somewhat with satisfaction.
    """
    if satisfaction is None:
        return OWN_REASONS_HAZARD[level]
    return OWN_REASONS_HAZARD[level] * np.exp(-2.5 * (satisfaction - 0.45))


def price_pull(w_price: np.ndarray, our_price_index: float, competitor_cut: np.ndarray) -> np.ndarray:
    """How much cheaper rivals pull, for a price-sensitive customer."""
    gap = (our_price_index - 1.0) + competitor_cut
    return np.exp(6.0 * w_price * gap) * (1.0 + 15.0 * competitor_cut * w_price)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


# --- customer development (客户开发) -------------------------------------------------
# Courseware: a prospect must (1) not use us yet, (2) need courier service,
# (3) pay its bills. The first two show when we talk to it; bad credit hides
# unless the salesperson checks the records, and shows later as unpaid bills.


def meeting_probability(loyalty: np.ndarray, trust: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Chance a qualified prospect, once visited, asks for a proposal.

    Loyalty to its current courier is the wall; an introduction from someone
    it trusts (referral, a centre of influence) is the door.
    """
    return sigmoid(1.5 + trust - 3.2 * loyalty + np.array([0.3, 0.0, -0.2])[level])


def win_probability(w_price: np.ndarray, w_brand: np.ndarray, price_index: float, loyalty: np.ndarray,
                    rival_is_low_price: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Chance a proposal is signed (促成成交).

    Customers of the low-price rival weigh our price against its price;
    customers of the premium rival weigh brand. Trust from an introduction
    helps close; loyalty to the incumbent hurts.
    """
    price_gap = (price_index - 0.85) * np.where(rival_is_low_price, 1.0, 0.3)
    brand_gap = np.where(rival_is_low_price, 0.0, 0.15)
    return sigmoid(1.1 + 0.7 * trust - 2.2 * loyalty - 9.0 * w_price * price_gap - 4.0 * w_brand * brand_gap)


def referral_probability(satisfaction: np.ndarray, type_factor: np.ndarray, incentive: float) -> np.ndarray:
    """Weekly chance a customer recommends us to another business or person (客户引荐).

    Only clearly satisfied customers refer; a reward for each won referral
    makes them do it more often, with diminishing effect.
    """
    keen = np.clip((satisfaction - 0.55) / 0.45, 0.0, 1.0)
    return 0.006 * keen * type_factor * (1.0 + 1.5 * incentive / (incentive + 200.0))


# --- service promotion (业务推介) -----------------------------------------------------
OFFER = {name: i for i, name in enumerate(records.OFFERS)}
OPENNESS = np.array([0.75, 0.40, 0.10])  # high-end try new services readily, mass rarely
TYPE_CODE = {name: i for i, name in enumerate(records.CUSTOMER_TYPES)}
MARKET_CODE = {name: i for i, name in enumerate(records.SPECIALTY_MARKETS)}


def offer_fit(offer: np.ndarray, customer_type: np.ndarray, market: np.ndarray, item_value: np.ndarray,
              fragility: np.ndarray, regular: np.ndarray, w_speed: np.ndarray, same_city: np.ndarray) -> np.ndarray:
    """How well an offer matches a customer's needs, 0 (irrelevant) .. 1 (exactly what it needs).

    Leather and electronics shippers value insurance, fragile-goods shippers
    packaging, e-commerce sellers cash on delivery, regular shippers waybill
    printing and scheduled pickup, customers who weigh speed the express
    upgrade. ``offer`` indexes records.OFFERS, one per customer row.
    """
    table = offer_fits(customer_type, market, item_value, fragility, regular, w_speed, same_city)
    return table[np.arange(len(offer)), offer]


def offer_fits(customer_type: np.ndarray, market: np.ndarray, item_value: np.ndarray, fragility: np.ndarray,
               regular: np.ndarray, w_speed: np.ndarray, same_city: np.ndarray) -> np.ndarray:
    """(customers, offers): ``offer_fit`` of every catalogue item for every customer."""
    t, m = customer_type, market
    valuable = np.clip((item_value - 150.0) / 1200.0, 0.0, 1.0)
    values_insurance = (m == MARKET_CODE["leather"]) | (m == MARKET_CODE["electronics"])
    insured = np.clip(0.15 + 0.6 * valuable + np.where(values_insurance, 0.35, 0.0), 0, 1)
    cod = np.select([t == TYPE_CODE["ecommerce"], t == TYPE_CODE["individual"]], [0.9, 0.03], 0.08)
    waybill = np.where(regular, np.where(t == TYPE_CODE["individual"], 0.2, 0.6), 0.05)
    sms = np.where(t == TYPE_CODE["individual"], 0.45, 0.3)
    packaging = np.clip(0.05 + 0.9 * fragility, 0, 1)
    scheduled = np.where(regular, np.where(t == TYPE_CODE["cbd"], 0.7, 0.45), 0.05)
    express = np.clip(4.0 * (w_speed - 0.12), 0, 1) * np.where(m == MARKET_CODE["electronics"], 1.3, 1.0)
    same_day = np.clip(2.5 * same_city, 0, 1) * np.clip(3.0 * (w_speed - 0.1), 0, 1)
    return np.stack([insured, cod, waybill, sms, packaging, scheduled, np.clip(express, 0, 1), same_day], axis=1)


def pitch_acceptance(fit: np.ndarray, level: np.ndarray, satisfaction: np.ndarray) -> np.ndarray:
    """Chance a pitched offer is taken up: fit times the group's openness, helped by goodwill."""
    return np.clip(OPENNESS[level] * fit * (0.75 + 0.5 * np.clip(satisfaction, 0.0, 1.0)), 0.0, 0.95)


def pitch_annoyance(fit: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Chance a pitch annoys (an irrelevant offer, pushed at the door); busy high-end shippers mind more."""
    return np.clip(0.45 * (1.0 - fit) ** 2 * np.array([1.3, 1.0, 0.9])[level], 0.0, 1.0)


ANNOYED = -0.03   # a pushy, irrelevant pitch costs a little goodwill
PLEASED = 0.02    # a service that fits adds a little
