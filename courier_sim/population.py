"""The starting market: our customers and the prospects around the branch.

Like the branch's customer card index on 1 December: one card per shipper,
saying what kind of business it is, how much it is worth, what it cares
about, how it ships and who carries its parcels. The numbers below set the
directions the curriculum teaches (enterprise values safety, individuals
price; high-end stays long, mass is short-lived; CBD is strict on time).

Every attribute is drawn from its own stream, separately for our customers
and for prospects, so adding customers at the end never changes the cards
already drawn.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import records, streams

PROSPECT_ID_OFFSET = 500_000  # prospects are numbered 500001, 500002, ...
NEW_MARKET_ID_OFFSET = 800_000  # businesses of a specialty market opening during the run: 800001, ...
DIMS = ("price", "speed", "safety", "convenience", "value_added", "brand")

# Preference weights over DIMS by customer type (normalised later).
TYPE_WEIGHTS = {
    "enterprise": (0.10, 0.22, 0.26, 0.08, 0.17, 0.17),
    "individual": (0.38, 0.24, 0.05, 0.25, 0.04, 0.04),
    "cbd":        (0.08, 0.34, 0.18, 0.14, 0.14, 0.12),
    "specialty":  (0.14, 0.18, 0.34, 0.10, 0.14, 0.10),
    "ecommerce":  (0.30, 0.22, 0.08, 0.14, 0.20, 0.06),
}
# Multipliers by value level: high-end care about brand, safety, services; mass about price.
LEVEL_WEIGHT_FACTORS = {
    "high": (0.45, 1.1, 1.3, 1.0, 1.5, 1.6),
    "mid":  (1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
    "mass": (1.7, 0.9, 0.7, 1.0, 0.5, 0.4),
}
MARKET_WEIGHT_FACTORS = {
    "none":        (1, 1, 1, 1, 1, 1),
    "leather":     (0.8, 0.9, 1.5, 1, 1.3, 1),   # insure valuables, claims
    "fragile":     (0.9, 0.8, 1.8, 1, 1.1, 1),   # must arrive intact
    "electronics": (0.8, 1.6, 1.4, 1, 1.0, 1),   # safety plus tight time limits
    "industrial":  (1.5, 1.0, 0.9, 1, 0.8, 0.8),  # steady bulk volume, price matters
}
# Share of high / mid / mass by type.
VALUE_MIX = {
    "enterprise": (0.28, 0.47, 0.25),
    "individual": (0.02, 0.13, 0.85),
    "cbd":        (0.32, 0.46, 0.22),
    "specialty":  (0.20, 0.50, 0.30),
    "ecommerce":  (0.12, 0.43, 0.45),
}
# Regular shippers: parcels per pickup (median) and days between pickups, by value level.
PICKUP_PARCELS = {"high": 2.2, "mid": 1.0, "mass": 1.0}
PICKUP_INTERVAL = {"high": (1, 1), "mid": (1, 3), "mass": (2, 7)}
ECOMMERCE_PARCELS = {"high": 5.0, "mid": 1.6, "mass": 1.0}
# Irregular senders: mean parcels per day by value level (gamma-mixed, so many send rarely).
IRREGULAR_RATE = {"high": 0.25, "mid": 0.10, "mass": 0.035}
# How strongly a type follows online-shopping peaks (Double 11, 618).
PEAK_SENSITIVITY = {"enterprise": 0.35, "individual": 0.9, "cbd": 0.3, "specialty": 0.5, "ecommerce": 1.2}
# Share of parcels that stay in the city / go abroad, by type.
ROUTE_MIX = {
    "enterprise": (0.13, 0.03), "individual": (0.22, 0.01), "cbd": (0.22, 0.05),
    "specialty": (0.12, 0.03), "ecommerce": (0.10, 0.015),
}
# Goods a customer mostly sends, by type or specialty market: {goods: share}.
GOODS_MIX = {
    "enterprise": {"documents": 0.4, "general": 0.5, "electronics": 0.05, "industrial": 0.05},
    "individual": {"documents": 0.1, "general": 0.75, "fragile": 0.1, "electronics": 0.05},
    "cbd": {"documents": 0.7, "general": 0.25, "electronics": 0.05},
    "ecommerce": {"general": 0.75, "fragile": 0.1, "electronics": 0.1, "leather": 0.05},
    "leather": {"leather": 0.85, "general": 0.15},
    "fragile": {"fragile": 0.85, "general": 0.15},
    "electronics": {"electronics": 0.85, "general": 0.15},
    "industrial": {"industrial": 0.85, "general": 0.1, "documents": 0.05},
}
ITEM_VALUE = {"documents": 50, "general": 150, "fragile": 350, "leather": 900, "electronics": 1500, "industrial": 600}
FRAGILITY = {"documents": 0.02, "general": 0.15, "fragile": 0.85, "leather": 0.1, "electronics": 0.5, "industrial": 0.2}
PICKUP_KM = {  # (low, high) distance from the branch
    "cbd_tower": (0.5, 3), "residential": (1, 6), "business_park": (3, 10),
    "specialty_market": (1.5, 6), "industrial_zone": (6, 16),
}
BAD_CREDIT = {"high": 0.02, "mid": 0.04, "mass": 0.08}
KEY_ACCOUNT_TYPES = ("enterprise", "cbd", "specialty", "ecommerce")


def apportion(shares: np.ndarray, n: int) -> np.ndarray:
    """Assign n items to classes so every prefix follows the shares as closely as possible.

    Like dealing cards to players in proportion to their stakes: the first k
    cards dealt are the same whatever n is, and the counts match the shares
    to within one.
    """
    shares = (np.asarray(shares, dtype=float) / np.sum(shares)).tolist()
    counts = [0.0] * len(shares)
    classes = range(len(shares))
    out = np.empty(n, dtype=np.int64)
    for i in range(n):  # plain floats: numpy's per-call cost would be most of the work here
        deficit = [share * (i + 1) - count for share, count in zip(shares, counts)]
        k = max(classes, key=deficit.__getitem__)  # the first of equal deficits, as argmax picks
        out[i] = k
        counts[k] += 1.0
    return out


def _lookup(table: dict, keys: np.ndarray) -> np.ndarray:
    """``table[k]`` for every k in keys, looked up once per distinct key: a dict lookup per row is slow."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    return np.array([table[k] for k in distinct])[inverse]


def _pick(u: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: u uniforms (n,), probs (n, k) -> index (n,)."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def _draw_group(scenario, n: int, group: str, market: str | None = None) -> dict[str, np.ndarray]:
    """Draw n market members of one group ("us", "prospect" or "new_market").

    ``market`` makes every member a business of that specialty market.
    """
    def rng(attr: str) -> np.random.Generator:
        return streams.generator(scenario.seed, f"population.{group}.{attr}")

    if market is None:
        types = np.array(records.CUSTOMER_TYPES)[apportion(list(scenario.shares.values()), n)]
        markets = np.array(records.SPECIALTY_MARKETS[1:])[rng("market").integers(0, 4, n)]
    else:
        types = np.full(n, "specialty")
        markets = np.full(n, market)
    specialty = np.where(types == "specialty", markets, "none")

    level_idx = _pick(rng("value").random(n), _lookup(VALUE_MIX, types))
    level = np.array(records.VALUE_LEVELS)[level_idx]

    u_district = rng("district").random(n)
    district = np.select(
        [types == "cbd", types == "individual", specialty == "industrial", types == "specialty",
         (types == "enterprise") & (u_district < 0.3), types == "ecommerce"],
        ["cbd_tower", "residential", "industrial_zone", "specialty_market",
         "industrial_zone", np.where(u_district < 0.6, "residential", "business_park")],
        "business_park",
    )

    base = _lookup(TYPE_WEIGHTS, types)
    base *= _lookup(LEVEL_WEIGHT_FACTORS, level)
    base *= _lookup(MARKET_WEIGHT_FACTORS, specialty)
    noisy = base * rng("weights").lognormal(0.0, 0.35, size=(n, len(DIMS)))
    weights = noisy / noisy.sum(axis=1, keepdims=True)

    level_bonus = np.select([level == "high", level == "mid"], [0.7, 0.35], 0.0)
    expectations = 2.9 + level_bonus[:, None] + 2.5 * weights + rng("expectations").normal(0, 0.25, (n, len(DIMS)))
    expectations[:, 1] += np.where(types == "cbd", 0.5, 0.0)  # CBD is very strict on timeliness
    expectations = np.clip(expectations, 1.0, 5.0)

    regular = (types != "individual") & ~((types == "enterprise") & (level == "mass") & (u_district > 0.7))
    lo = _lookup({lv: v[0] for lv, v in PICKUP_INTERVAL.items()}, level)
    hi = _lookup({lv: v[1] for lv, v in PICKUP_INTERVAL.items()}, level)
    interval = np.where(types == "ecommerce", 1, rng("interval").integers(lo, hi + 1))
    phase = rng("phase").integers(0, 7, n) % np.maximum(interval, 1)
    parcels = np.where(types == "ecommerce", _lookup(ECOMMERCE_PARCELS, level), _lookup(PICKUP_PARCELS, level))
    parcels = parcels * np.where(specialty == "industrial", 1.5, 1.0)
    pickup_size = parcels * rng("size").lognormal(0.0, 0.8, n)
    irregular_rate = _lookup(IRREGULAR_RATE, level) * rng("rate").gamma(0.6, 1 / 0.6, n)
    pickup_hour = np.where(regular, rng("hour").uniform(13.5, 18.0, n), np.nan)

    goods_keys = np.where(types == "specialty", specialty, types)
    goods_table = _lookup({k: [mix.get(g, 0.0) for g in records.GOODS] for k, mix in GOODS_MIX.items()}, goods_keys)
    main_goods = np.array(records.GOODS)[_pick(rng("goods").random(n), goods_table)]
    item_value = _lookup(ITEM_VALUE, main_goods) * rng("item_value").lognormal(0, 0.5, n)
    item_value *= np.select([level == "high", level == "mid"], [2.0, 1.2], 0.8)
    fragility = np.clip(_lookup(FRAGILITY, main_goods) + rng("fragility").normal(0, 0.05, n), 0, 1)

    km_lo = _lookup({d: v[0] for d, v in PICKUP_KM.items()}, district)
    km_hi = _lookup({d: v[1] for d, v in PICKUP_KM.items()}, district)
    pickup_km = rng("km").uniform(km_lo, km_hi)

    route = _lookup(ROUTE_MIX, types)
    same_city_share = route[:, 0] * rng("route").lognormal(0, 0.4, n)
    intl_share = route[:, 1] * np.where(specialty == "electronics", 2.0, 1.0) * np.where(level == "high", 1.5, 1.0)

    lane_risk = rng("lane").normal(0.0, 1.0, n)  # some addresses sit on slow, unreliable lanes

    credit = np.where(rng("credit").random(n) < _lookup(BAD_CREDIT, level), "bad", "good")
    key_account = np.isin(types, KEY_ACCOUNT_TYPES) & (level != "mass")

    return {
        "customer_type": types, "specialty_market": specialty, "district": district,
        "value_level": level, "credit": credit, "regular": regular, "key_account": key_account,
        **{f"w_{d}": weights[:, i] for i, d in enumerate(DIMS)},
        **{f"exp_{d}": expectations[:, i] for i, d in enumerate(DIMS)},
        "interval": interval, "phase": phase, "pickup_size": pickup_size,
        "irregular_rate": irregular_rate, "pickup_hour": pickup_hour,
        "peak_sensitivity": _lookup(PEAK_SENSITIVITY, types),
        "main_goods": main_goods, "item_value": item_value, "fragility": fragility,
        "pickup_km": pickup_km, "same_city_share": np.clip(same_city_share, 0, 0.9),
        "intl_share": intl_share, "lane_risk": lane_risk,
    }


def _our_customers(scenario, n: int) -> pd.DataFrame:
    cols = _draw_group(scenario, n, "us")
    def rng(attr):
        return streams.generator(scenario.seed, f"population.us.{attr}")
    level = cols["value_level"]
    tenure_years = rng("tenure").exponential(np.select([level == "high", level == "mid"], [4.0, 2.5], 1.2))
    joined = pd.Timestamp(scenario.start) - pd.to_timedelta(np.ceil(tenure_years * 365), unit="D")
    u_stage = rng("stage").random(n)
    stage = np.where(u_stage < np.select([level == "high"], [0.35], 0.12), "strategic",
                     np.where(u_stage < 0.7, "stable", "initial"))
    cols.update(
        customer_id=np.arange(1, n + 1),
        courier=np.full(n, "us"),
        joined=joined,
        acquisition_channel=np.full(n, "existing"),
        relationship_stage=np.where(cols["key_account"], stage, None),
        satisfaction=np.clip(rng("satisfaction").normal(0.45, 0.25, n), -1, 1),
    )
    return pd.DataFrame(cols)


def _prospects(scenario, n: int) -> pd.DataFrame:
    cols = _draw_group(scenario, n, "prospect")
    def rng(attr):
        return streams.generator(scenario.seed, f"population.prospect.{attr}")
    level = cols["value_level"]
    u = rng("courier").random(n)
    falcon_share = np.select([level == "high", level == "mid"], [0.55, 0.35], 0.15)
    no_need = np.where(cols["customer_type"] == "individual", 0.35, 0.12)
    courier = np.where(u < no_need, "none", np.where(u < no_need + falcon_share * (1 - no_need), "falcon", "sparrow"))
    cols.update(
        customer_id=PROSPECT_ID_OFFSET + np.arange(1, n + 1),
        courier=courier,
        joined=pd.NaT,
        acquisition_channel=np.full(n, None),
        relationship_stage=np.where(cols["key_account"], "incubation", None),
        satisfaction=np.clip(rng("satisfaction").normal(0.3, 0.3, n), -1, 1),
        competitor_loyalty=np.clip(rng("loyalty").beta(2, 3, n), 0, 1),
    )
    return pd.DataFrame(cols)


def _new_market(scenario, n: int) -> pd.DataFrame:
    """The businesses of a specialty market that opens during the run (e.g. an electronics mall).

    New tenants already ship with someone, but their ties are young: low
    loyalty, easy to win for whoever knocks first.
    """
    cols = _draw_group(scenario, n, "new_market", market=scenario.new_market)
    def rng(attr):
        return streams.generator(scenario.seed, f"population.new_market.{attr}")
    u = rng("courier").random(n)
    courier = np.where(u < 0.05, "none", np.where(u < 0.45, "falcon", "sparrow"))
    cols.update(
        customer_id=NEW_MARKET_ID_OFFSET + np.arange(1, n + 1),
        courier=courier,
        joined=pd.NaT,
        acquisition_channel=np.full(n, None),
        relationship_stage=np.where(cols["key_account"], "incubation", None),
        satisfaction=np.clip(rng("satisfaction").normal(0.2, 0.3, n), -1, 1),
        competitor_loyalty=np.clip(rng("loyalty").beta(1.3, 4.0, n), 0, 1),
        available_from=np.full(n, scenario.new_market_day),
    )
    return pd.DataFrame(cols)


def draw(scenario) -> pd.DataFrame:
    """The whole market: our customers first, then prospects (courier != "us").

    ``available_from`` is the day a member enters the market (0, or the
    opening day of a new specialty market).
    """
    groups = [_our_customers(scenario, scenario.customers)]
    if scenario.prospects > 0:
        groups.append(_prospects(scenario, scenario.prospects))
    if scenario.new_market != "none":
        groups.append(_new_market(scenario, scenario.new_market_size))
    market = pd.concat(groups, ignore_index=True)
    if "competitor_loyalty" not in market:
        market["competitor_loyalty"] = 0.0
    market["competitor_loyalty"] = market["competitor_loyalty"].fillna(0.0)
    if "available_from" not in market:
        market["available_from"] = 0
    market["available_from"] = market["available_from"].fillna(0).astype(np.int64)
    return market
