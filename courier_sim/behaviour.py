"""How customers and the network behave: small pure functions, no SimPy.

These are the rules of the game the engine plays each day. Each takes numpy
arrays (one entry per customer or per parcel) and returns arrays, so it can
be read, unit-tested and changed on its own, like a rule card in a board game.
"""
from __future__ import annotations

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


def parcel_experience(outcome: np.ndarray, w_speed, w_safety, w_convenience, w_price, expectation) -> np.ndarray:
    """How one parcel felt to the customer, on -1 .. 1.

    Satisfaction (客户满意度) is experience against expectation: the same
    on-time parcel pleases a customer expecting little more than one
    expecting a lot; a failure hurts most on the dimension the customer weighs.
    """
    on_time = 0.95 - 0.4 * (expectation - 3.0)
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
COMPLAINT_BASE = {"late": 0.008, "lost": 0.6, "damaged": 0.45, "tracking_error": 0.03, "billing_error": 0.15}
TYPE_PROPENSITY = {"enterprise": 1.0, "individual": 0.9, "cbd": 1.7, "specialty": 1.1, "ecommerce": 1.2}
LEVEL_PROPENSITY = {"high": 1.3, "mid": 1.0, "mass": 0.8}
ATTITUDE_RATE = 0.00012  # complaints about staff attitude, per parcel


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
    """Chance a handled complaint wins the customer back: fast, fair answers recover."""
    _, base = COMPENSATION[policy]
    late_penalty = np.clip((response_hours - target_hours) / (2.0 * target_hours + 24.0), 0.0, 0.6)
    speed_bonus = np.where(response_hours <= target_hours, 0.1, 0.0)
    return np.clip(base + speed_bonus - late_penalty, 0.02, 0.98)


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
COMPETITOR_HAZARD = np.array([0.0004, 0.0010, 0.0032])
OWN_REASONS_HAZARD = np.array([0.0002, 0.0004, 0.0011])
STAGE_HAZARD = {None: 1.0, "initial": 1.8, "stable": 0.8, "strategic": 0.45}


def competitor_hazard(level: np.ndarray, satisfaction: np.ndarray, pull: np.ndarray, stage_factor: np.ndarray) -> np.ndarray:
    """Weekly chance a competitor lures the customer away (被竞争对手吸引).

    Falls steeply with satisfaction; rises with a competitor's pull (a price
    war, our prices); key accounts in a fragile initial stage leave easily.
    """
    return np.clip(COMPETITOR_HAZARD[level] * np.exp(-4.0 * (satisfaction - 0.3)) * pull * stage_factor, 0, 0.5)


def own_reasons_hazard(level: np.ndarray) -> np.ndarray:
    """Weekly chance the customer leaves for its own reasons: moving, closing, changing plans."""
    return OWN_REASONS_HAZARD[level]


def price_pull(w_price: np.ndarray, our_price_index: float, competitor_cut: np.ndarray) -> np.ndarray:
    """How much cheaper rivals pull, for a price-sensitive customer."""
    gap = (our_price_index - 1.0) + competitor_cut
    return np.exp(6.0 * w_price * gap) * (1.0 + 8.0 * competitor_cut * w_price)
