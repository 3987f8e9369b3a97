"""Keeping customers (客户维护): routine account care and the retention levers, inside an Engine.

What the branch spends to keep its customers, each spend a row of the
``retention_actions`` table:
- account visits: the monthly key-account review sends account managers to
  some key accounts (``account_visit``);
- festival care: gifts to stable and strategic key accounts before the
  Spring Festival (``festival_gift``);
- complaint compensation and fast first responses (``complaint_compensation``,
  ``fast_response``, recorded by the engine's complaint handling);
- the levers of ``courier_sim.levers``: the care plan or VIP service
  (``care_plan`` / ``vip_service``, a monthly cost per treated customer, with
  more satisfaction, a lower chance of being lured away and, for VIP,
  priority complaint handling) and the loyalty discount (``loyalty_discount``,
  the money given up each month).
"""
from __future__ import annotations

import numpy as np

from . import calendar, streams

ACCOUNT_VISIT_COST = 90.0     # yuan: an account manager's visit to a key account
FESTIVAL_GIFT = {"stable": 250.0, "strategic": 500.0}
FAST_RESPONSE_COST = 12.0     # a supervisor's call-back to meet the response target
FESTIVAL_GIFT_DAYS_BEFORE = 12


class RetentionDesk:
    def __init__(self, engine):
        e = self.e = engine
        self.rng = streams.generator(e.sc.seed, "retention.care")
        self.discount_given = np.zeros(e.n)

    # --- called by the engine ------------------------------------------------------------
    def spend(self, c: int, when: float, action: str, cost: float) -> None:
        self.e.retention_actions.append((int(c), float(when), action, float(cost)))

    def account_visit(self, c: int, when: float) -> None:
        self.spend(c, when, "account_visit", ACCOUNT_VISIT_COST)

    def discount(self, cust: np.ndarray, list_part: np.ndarray) -> None:
        """Record the money a loyalty discount gave up on today's parcels."""
        d = self.e.lever["discount"][cust]
        if d.any():
            self.discount_given += np.bincount(cust, list_part * d / (1.0 - d), minlength=self.e.n)

    # --- processes ----------------------------------------------------------------------------
    def start(self) -> None:
        env = self.e.env
        env.process(self.monthly())
        env.process(self.festival_care())

    def monthly(self):
        """Each month: care-plan service for the treated, discounts booked, goodwill gained."""
        e, env = self.e, self.e.env
        plan = e.sc.care_plan
        action = {"care": "care_plan", "vip": "vip_service"}.get(plan)
        month = 0
        while True:
            yield env.timeout(15 if month == 0 else 30)
            month += 1
            day = env.now
            active = e.ours & (e.churn_day == np.inf)
            if action is not None:
                idx = np.flatnonzero(active & (e.lever["care_cost"] > 0))
                for c in idx:
                    self.spend(c, day, action, e.lever["care_cost"][c])
                s = e.satisfaction[idx]
                e.satisfaction[idx] = np.clip(s + e.lever["care_boost"][idx] * (1.0 - s), -1.0, 1.0)
                every = e.lever["care_visit_every"][idx]
                visit = idx[(every > 0) & ((month + e.ids[idx]) % np.maximum(every, 1) == 0)]
                for c in visit:
                    when = day + self.rng.uniform(0, 10)
                    e.contacts.append((int(c), when, "care_visit", False,
                                       "VIP account manager visit" if plan == "vip" else "Care-plan call: needs and recommendations"))
            owed = np.flatnonzero(self.discount_given > 0.005)
            for c in owed:
                self.spend(c, day, "loyalty_discount", self.discount_given[c])
            self.discount_given[owed] = 0.0
            if e.sc.loyalty_discount > 0:
                idx = np.flatnonzero(active & (e.lever["discount"] > 0))
                s = e.satisfaction[idx]
                e.satisfaction[idx] = np.clip(s + 0.25 * e.lever["discount"][idx] * e.w["price"][idx] * (1 - s), -1, 1)

    def festival_care(self):
        """Before each Spring Festival, gifts to the key accounts we have built trust with (节日关怀)."""
        e, env = self.e, self.e.env
        start = e.sc.start
        days = []
        for year in range(start.year, start.year + e.days // 365 + 2):
            d = (calendar.SPRING_FESTIVAL[year] - start).days - FESTIVAL_GIFT_DAYS_BEFORE
            if 0 <= d < e.days:
                days.append(d)
        for d in days:
            yield env.timeout(d + 0.5 - env.now)
            active = e.ours & (e.churn_day == np.inf)
            treated_vip = e.lever["priority"]
            for c in np.flatnonzero(active & (np.isin(e.stage, list(FESTIVAL_GIFT)) | treated_vip)):
                cost = FESTIVAL_GIFT.get(e.stage[c], FESTIVAL_GIFT["stable"])
                self.spend(c, env.now + self.rng.uniform(0, 3), "festival_gift", cost)
                e.satisfaction[c] = min(e.satisfaction[c] + 0.02, 1.0)

