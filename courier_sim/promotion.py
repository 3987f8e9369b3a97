"""Service promotion (业务推介): couriers offering services at the customer's door.

At pickup the courier may recommend something from the catalogue: a value-
added service (insured shipping, cash on delivery, waybill printing, SMS
notification, packaging, scheduled pickup) or a product upgrade (express,
same-day). Whether the customer takes it depends on its group and on fit
(``behaviour.offer_fit``): high-end shippers try new services readily, mass
senders rarely; leather and electronics shippers value insurance, fragile-
goods shippers packaging, e-commerce sellers cash on delivery. An offer that
does not fit the customer annoys.

``pitch_targeting`` says how the courier chooses: "scripted" pushes the same
catalogue at everyone (any service the customer lacks), "needs_based" picks
the offer that fits the customer best (FAB: feature, advantage, benefit for
this customer). Accepted services appear on the customer's later shipments
and in their price.

Vectorised per day: no process per pitch.
"""
from __future__ import annotations

import numpy as np

from . import behaviour as B
from . import records, streams

COOL_DOWN = 30            # days before the same customer is pitched again
N_SERVICES = len(records.SERVICES)
EXPRESS_BIT, SAME_DAY_BIT = 1, 2  # product upgrades a customer accepted


def codes(values, names: tuple[str, ...]) -> np.ndarray:
    """Integer codes of a column of names (fast: no per-row Python)."""
    import pandas as pd
    return pd.Categorical(values, categories=list(names)).codes.astype(np.int64)


def held_offers(services: np.ndarray, upgrades: np.ndarray) -> np.ndarray:
    """(n, offers) bool: which catalogue items each customer already uses."""
    bits = services.astype(np.int64) | (upgrades.astype(np.int64) << N_SERVICES)
    return ((bits[:, None] >> np.arange(len(records.OFFERS))) & 1).astype(bool)


def choose_offer(fit: np.ndarray, held: np.ndarray, targeting: str, u: np.ndarray) -> np.ndarray:
    """The offer each customer is pitched (index into records.OFFERS), or -1 when nothing is left.

    ``fit`` and ``held`` are (n, offers); ``u`` (n,) uniforms. Scripted: any
    item the customer lacks, at random. Needs-based: the best-fitting one.
    """
    open_ = ~held
    none_left = ~open_.any(axis=1)
    if targeting == "needs_based":
        score = np.where(open_, fit, -1.0)
        choice = score.argmax(axis=1)
    else:
        cum = np.cumsum(open_, axis=1)
        k = np.floor(u * np.maximum(cum[:, -1], 1)).astype(np.int64)  # the k-th open item
        choice = (cum <= k[:, None]).sum(axis=1)
        choice = np.minimum(choice, open_.shape[1] - 1)
    return np.where(none_left, -1, choice)


class Promoter:
    """Pitches at pickup, inside an Engine."""

    def __init__(self, engine):
        e = self.e = engine
        self.rng = streams.generator(e.sc.seed, "promotion.pitches")
        self.last_pitch = np.full(e.n, -np.inf)
        market = codes(e.market["specialty_market"], records.SPECIALTY_MARKETS)
        # what fits whom depends on fixed traits only: work it out once
        self.fits = B.offer_fits(e.type, market, e.item_value, e.fragility, e.regular, e.w["speed"], e.same_city)
        self.log = {k: [] for k in ("customer", "time", "offer", "accepted", "annoyed")}

    def at_pickup(self, day: int, who: np.ndarray, hour: np.ndarray) -> None:
        """Customers ``who`` handed parcels over today at ``hour``: some get a pitch."""
        e, sc = self.e, self.e.sc
        if sc.pitch_rate <= 0 or len(who) == 0:
            return
        ready = (day - self.last_pitch[who]) >= COOL_DOWN
        who, hour = who[ready], hour[ready]
        pitched = self.rng.random(len(who)) < sc.pitch_rate
        who, hour = who[pitched], hour[pitched]
        if len(who) == 0:
            return
        u = self.rng.random((4, len(who)))
        fit_all = self.fits[who]
        held = held_offers(e.services[who], e.upgrades[who])
        offer = choose_offer(fit_all, held, sc.pitch_targeting, u[1])
        has = offer >= 0
        who, hour, offer, u, fit_all = who[has], hour[has], offer[has], u[:, has], fit_all[has]
        fit = fit_all[np.arange(len(who)), offer]
        level = e.level[who]
        accepted = u[2] < B.pitch_acceptance(fit, level, e.satisfaction[who])
        annoyed = ~accepted & (u[3] < B.pitch_annoyance(fit, level))
        self.last_pitch[who] = day
        service = offer < N_SERVICES
        take = accepted & service
        np.bitwise_or.at(e.services, who[take], (1 << offer[take]).astype(e.services.dtype))
        up = accepted & ~service
        np.bitwise_or.at(e.upgrades, who[up], (1 << (offer[up] - N_SERVICES)).astype(e.upgrades.dtype))
        mood = np.where(annoyed, B.ANNOYED, np.where(accepted, B.PLEASED, 0.0))
        e.satisfaction[who] = np.clip(e.satisfaction[who] + mood, -1.0, 1.0)
        log = self.log
        log["customer"].append(who.astype(np.int64))
        log["time"].append(day + hour / 24.0)
        log["offer"].append(offer.astype(np.int64))
        log["accepted"].append(accepted)
        log["annoyed"].append(annoyed)

    def columns(self) -> dict[str, np.ndarray]:
        out = {}
        for k, chunks in self.log.items():
            out[k] = np.concatenate(chunks) if chunks else np.array([], dtype=bool if k in ("accepted", "annoyed") else float)
        order = np.lexsort((out["customer"], out["time"])) if len(out["time"]) else np.array([], dtype=np.int64)
        return {k: v[order] for k, v in out.items()}
