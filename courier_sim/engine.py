"""The SimPy engine: a courier branch living through its year.

Picture the branch as a small town with a clock: every morning the
customers hand over parcels (one vectorised draw for all of them, never a
process per parcel), the sorting hub pushes through what its capacity
allows and the rest waits, a few unlucky parcels go astray; complaints
queue for a small service team (a SimPy resource); every week the branch
manager finds out who is drifting away; every month account managers move
key accounts between relationship stages; competitors and outages strike on
the dates the scenario sets. Everything is recorded into column lists and
turned into tables once, at the end.

The other departments live in their own modules and are called from here:
the sales force and its funnel (``sales``), pitches at pickup
(``promotion``), questionnaires (``surveys``) and the money spent keeping
customers (``retention``, with the levers of ``levers``).
"""
from __future__ import annotations


import numpy as np
import simpy

from . import behaviour as B
from . import calendar, levers, records, streams
from .promotion import Promoter, codes
from .retention import FAST_RESPONSE_COST, RetentionDesk
from .sales import SalesForce
from .surveys import SurveyDesk

NEVER = np.inf
LEVELS = np.array(records.VALUE_LEVELS)
TYPES = np.array(records.CUSTOMER_TYPES)
GOODS = np.array(records.GOODS)
SERVICE_BIT = {name: 1 << i for i, name in enumerate(records.SERVICES)}
# Promise in days after the pickup day, by route (rows) and product (columns); same-day is due at 21:00.
PROMISE_DAYS = np.array([
    [1, 1, 0, 2, 1],
    [3, 2, 2, 5, 3],
    [7, 6, 7, 10, 7],
])
TYPICAL_WEIGHT = np.array([0.3, 1.2, 2.0, 1.5, 1.5, 6.0])  # kg, by GOODS order
EFFORT_HOURS = {"lost": 2.5, "damaged": 2.0, "late": 0.7, "tracking": 0.6, "billing": 1.0, "attitude": 1.2}  # per complaint
INVESTIGATION_DAYS = {"lost": 4.0, "damaged": 2.5}  # others: 0.6
PRODUCT_PRIORITY = np.array([1, 0, 0, 2, 1])  # express and same-day are sorted first
TRIAL_SHARE, TRIAL_DAYS = 0.25, 150  # a won customer starts with 25 % of its parcels, all of them after 150 days
# Business news an account manager hears (warning signals: a new owner, a new strategy; 易主, 新战略)
NEW_OWNER = "The business has a new owner; the new management is reviewing its suppliers"
NEW_COURSE = ("moving production out of the city", "selling mostly through its own online shop",
              "merging its warehouse with a partner's", "cutting its product range")
SCALING_DOWN = "The business is scaling down after losing its biggest client"
NEWS_HEARD = 0.5     # share of changing businesses whose news reaches the notes
NEWS_NOISE = 0.015   # staying businesses with such news in a year: not every change ends in a departure


class Log:
    """Column lists that grow by numpy chunks: cheap to append, one concat at the end."""

    def __init__(self, *names: str):
        self.chunks = {n: [] for n in names}

    def add(self, **cols) -> None:
        for name, values in cols.items():
            self.chunks[name].append(np.asarray(values))

    def columns(self) -> dict[str, np.ndarray]:
        return {n: (np.concatenate(c) if c else np.array([])) for n, c in self.chunks.items()}

    def pop(self, name: str) -> np.ndarray:
        """One column, its chunks let go: building a table column by column keeps one copy in memory."""
        chunks = self.chunks.pop(name)
        return np.concatenate(chunks) if chunks else np.array([])


class Engine:
    """One run of one scenario over one market."""

    def __init__(self, scenario, market):
        self.sc = scenario
        self.env = simpy.Environment()
        self.days = scenario.days
        self.factors = calendar.day_factors(scenario.start, scenario.days)
        self._load_market(market)
        self._seed_streams()
        self.staff = simpy.PriorityResource(self.env, capacity=scenario.service_staff)
        self.capacity_base = scenario.capacity_ratio * self.expected_daily_volume()
        self.backlog = 0.0
        self.outage_until = -1
        self.price_war_from = NEVER
        self.logs = {
            "shipments": Log("customer", "created", "picked_up", "promised", "delivered", "product",
                             "services", "route", "weight", "declared", "goods", "price", "cost", "outcome"),
            "daily": Log("day", "segment", "parcels", "on_time", "revenue", "active"),
        }
        self.complaints: list[tuple] = []
        self.events: list[tuple] = []
        self.stage_changes: list[tuple] = []
        self.contacts: list[tuple] = []
        self.retention_actions: list[tuple] = []
        # what each customer lived through, for the questionnaires
        self.lived = {k: np.zeros(self.n) for k in ("parcels", "on_time", "failures", "recovered", "unrecovered")}
        self.retention = RetentionDesk(self)
        self.sales = SalesForce(self)
        self.promotion = Promoter(self)
        self.surveys = SurveyDesk(self)
        self.note_arrears(np.flatnonzero(self.ours))

    # --- set-up -------------------------------------------------------------
    def _load_market(self, m) -> None:
        self.market = m
        self.n = len(m)
        self.ids = m["customer_id"].to_numpy(np.int64)
        self.type = codes(m["customer_type"], records.CUSTOMER_TYPES)
        self.level = codes(m["value_level"], records.VALUE_LEVELS)
        self.ours = (m["courier"] == "us").to_numpy().copy()
        self.courier = m["courier"].to_numpy(dtype=object).copy()
        self.regular = m["regular"].to_numpy(bool)
        self.interval = m["interval"].to_numpy(np.int64)
        self.phase = m["phase"].to_numpy(np.int64)
        self.pickup_size = m["pickup_size"].to_numpy(float)
        self.rate = m["irregular_rate"].to_numpy(float)
        self.pickup_hour = m["pickup_hour"].to_numpy(float)
        self.peak_sens = m["peak_sensitivity"].to_numpy(float)
        self.main_goods = codes(m["main_goods"], records.GOODS)
        self.item_value = m["item_value"].to_numpy(float)
        self.fragility = m["fragility"].to_numpy(float)
        self.km = m["pickup_km"].to_numpy(float)
        self.same_city = m["same_city_share"].to_numpy(float)
        self.intl = m["intl_share"].to_numpy(float)
        self.lane_risk = m["lane_risk"].to_numpy(float)
        self.w = {d: m[f"w_{d}"].to_numpy(float) for d in ("price", "speed", "safety", "convenience", "value_added", "brand")}
        self.exp_speed = m["exp_speed"].to_numpy(float)
        self.exp_mean = m[[c for c in m.columns if c.startswith("exp_")]].mean(axis=1).to_numpy()
        self.satisfaction = m["satisfaction"].to_numpy(float).copy()
        self.bad_credit = (m["credit"] == "bad").to_numpy()
        self.key_account = m["key_account"].to_numpy(bool)
        self.stage = m["relationship_stage"].to_numpy(dtype=object).copy()
        self.joined = np.where(self.ours, 0.0, NEVER)  # day joined within the run (existing: 0)
        self.trial_from = np.full(self.n, -NEVER)  # day a won customer started its trial
        self.channel = m["acquisition_channel"].to_numpy(dtype=object).copy()
        self.churn_day = np.full(self.n, NEVER)
        self.churn_kind = np.full(self.n, None, dtype=object)
        self.leaving_from = np.full(self.n, NEVER)
        assigned = np.where(self.ours, levers.assign(self.sc, self.ids, self.level, m["key_account"].to_numpy(bool)), 0)
        self.treatment = np.array(records.TREATMENTS, dtype=object)[assigned]
        self.lever = levers.per_customer(self.sc, assigned)
        discount = np.array([B.TYPE_DISCOUNT[t] for t in records.CUSTOMER_TYPES])[self.type] + \
            np.array([B.LEVEL_DISCOUNT[v] for v in records.VALUE_LEVELS])[self.level]
        self.contract_factor = (1.0 - discount) * self.sc.price_index
        self.price_factor = self.contract_factor * (1.0 - self.lever["discount"])
        self.upgrades = np.zeros(self.n, dtype=np.int64)  # product upgrades accepted at pickup
        # the chance a parcel goes express or economy follows fixed preference weights: work it out once
        self.p_express = np.clip(0.03 + 1.6 * (self.w["speed"] - 0.15), 0.02, 0.6)
        self.p_economy = np.clip(0.02 + 1.0 * (self.w["price"] - 0.25), 0.0, 0.5)
        self.propensity = np.array([B.TYPE_PROPENSITY[t] for t in records.CUSTOMER_TYPES])[self.type] * \
            np.array([B.LEVEL_PROPENSITY[v] for v in records.VALUE_LEVELS])[self.level]
        self.services = self._initial_services(m)

    def _initial_services(self, m) -> np.ndarray:
        """Value-added services each customer already uses (a bitmask)."""
        u = streams.generator(self.sc.seed, "services.initial").random((self.n, 4))
        bits = np.zeros(self.n, dtype=np.int64)
        bits |= np.where((self.item_value > 400) & (u[:, 0] < 0.2 + 2.0 * self.w["safety"]), SERVICE_BIT["insured"], 0)
        bits |= np.where((self.type == records.CUSTOMER_TYPES.index("ecommerce")) & (u[:, 1] < 0.5), SERVICE_BIT["cod"], 0)
        bits |= np.where(self.regular & (u[:, 2] < 0.5), SERVICE_BIT["waybill_printing"], 0)
        bits |= np.where(u[:, 3] < 0.3, SERVICE_BIT["sms_notify"], 0)
        bits |= np.where((self.fragility > 0.6) & (u[:, 3] > 0.5), SERVICE_BIT["packaging"], 0)
        return bits

    def _seed_streams(self) -> None:
        seed = self.sc.seed
        self.rng = {p: streams.generator(seed, f"engine.{p}") for p in ("shipments", "outcomes", "complaints", "service", "stages", "contacts")}
        self.key_timing = streams.stream_key(seed, "engine.timing")
        self.key_churn = streams.stream_key(seed, "engine.churn")
        self.rng_follow_up = streams.generator(seed, "contacts.follow_up")
        self.rng_mentions = streams.generator(seed, "contacts.price_war")
        self.rng_news = streams.generator(seed, "contacts.business_news")
        self.key_join = streams.stream_key(seed, "sales.joining")
        # Pre-drawn life events, each a pure function of the customer id.
        u = streams.keyed_uniforms(streams.stream_key(seed, "engine.decline"), self.ids, 0)
        years = self.days / 365.0
        decline_rate = np.array([0.035, 0.03, 0.01])[self.level] * years
        self.decline_from = np.where(u < decline_rate, u / decline_rate * self.days, NEVER)
        u = streams.keyed_uniforms(streams.stream_key(seed, "engine.arrears"), self.ids, 0)
        arrears_rate = np.minimum(0.35 * years, 0.95)
        self.arrears_from = np.where(self.bad_credit & (u < arrears_rate), u / arrears_rate * self.days, NEVER)
        self.ramp_days = 28 + 42 * streams.keyed_uniforms(streams.stream_key(seed, "engine.ramp"), self.ids, 0)

    def expected_daily_volume(self) -> float:
        """Mean parcels on a normal weekday from our current customers: sizes the network."""
        ecommerce = self.type == records.CUSTOMER_TYPES.index("ecommerce")
        per_weekday = np.where(self.regular, self.pickup_size / np.where(ecommerce, 1, np.maximum(self.interval, 1)), self.rate)
        day = self.env.now
        wallet = np.clip(TRIAL_SHARE + (1.0 - TRIAL_SHARE) * (day - self.trial_from) / TRIAL_DAYS, TRIAL_SHARE, 1.0)
        return max(float((per_weekday * wallet)[self.ours].sum()), 1.0)

    # --- processes ------------------------------------------------------------
    def run(self) -> "Engine":
        self.env.process(self.daily())
        self.env.process(self.weekly_churn_review())
        self.env.process(self.monthly_account_review())
        self.env.process(self.competitor_moves())
        self.env.process(self.market_opening())
        self.env.process(self.surveys.process())
        self.sales.start()
        self.retention.start()
        self.env.run(until=self.days)
        return self

    def daily(self):
        while True:
            day = int(self.env.now)
            self.settle_churn(day)
            self.ship(day)
            yield self.env.timeout(1)

    def weekly_churn_review(self):
        while True:
            yield self.env.timeout(7)
            self.review_churn(int(self.env.now))

    def monthly_account_review(self):
        while True:
            yield self.env.timeout(30)
            self.review_accounts(int(self.env.now))
            # the branch re-sizes its sorting shifts to the customers it has now
            self.capacity_base = self.sc.capacity_ratio * self.expected_daily_volume()

    def competitor_moves(self):
        sc = self.sc
        for row in levers.lever_events(sc):
            self.record_event(*row)
        for kind, start, end, detail in calendar.season_events(sc.start, self.days):
            self.record_event(kind, (start - sc.start).days, (end - sc.start).days, "all", detail)
        moves = []
        if sc.price_war_competitor != "none" and sc.price_war_start_day < self.days:
            moves.append((sc.price_war_start_day, "price_war"))
        if sc.hub_outage_days > 0 and sc.hub_outage_start_day < self.days:
            moves.append((sc.hub_outage_start_day, "hub_outage"))
        for day, kind in sorted(moves):
            yield self.env.timeout(day - self.env.now)
            if kind == "price_war":
                self.price_war_from = day
                self.record_event("price_war", day, self.days - 1, sc.price_war_segment,
                                  f"{sc.price_war_competitor} cuts prices by {sc.price_war_cut:.0%} for {sc.price_war_segment} customers")
            else:
                self.outage_until = day + sc.hub_outage_days
                self.record_event("hub_outage", day, self.outage_until - 1, "all",
                                  f"sorting hub outage: {sc.hub_outage_capacity:.0%} capacity for {sc.hub_outage_days} days")

    def market_opening(self):
        """A new specialty market opens: its businesses enter the market and sales canvass them."""
        sc = self.sc
        if sc.new_market == "none" or sc.new_market_day >= self.days:
            return
        yield self.env.timeout(sc.new_market_day)
        from .sales import CAMPAIGN_DAYS
        self.record_event("market_opening", sc.new_market_day, min(sc.new_market_day + CAMPAIGN_DAYS, self.days) - 1,
                          "specialty", f"a new {sc.new_market} market opens with {sc.new_market_size} businesses; "
                          f"the sales team canvasses it for {CAMPAIGN_DAYS} days")

    # --- the day's parcels ------------------------------------------------------
    def volume_factor(self, idx: np.ndarray, day: int) -> np.ndarray:
        """Seasonal, festival, leaving-ramp, decline and trial multipliers on normal volume."""
        f = self.factors
        weekend = f["weekday"][day] >= 5
        factor = f["festival_volume"][day] * (1.0 + self.peak_sens[idx] * (f["peak"][day] - 1.0))
        if weekend:
            factor = factor * np.where(self.regular[idx], 1.0, 0.8)
        # the rarer multipliers touch only the customers they concern
        special = np.flatnonzero(np.isfinite(self.leaving_from[idx]) | np.isfinite(self.decline_from[idx])
                                 | np.isfinite(self.trial_from[idx]))
        if len(special):
            c = idx[special]
            leaving = np.clip((day - self.leaving_from[c]) / self.ramp_days[c], 0.0, 1.0)
            since_decline = np.maximum(day - self.decline_from[c], 0.0)
            # a newly won customer tries us with part of its parcels first (初期合作), then gives us more
            wallet = np.clip(TRIAL_SHARE + (1.0 - TRIAL_SHARE) * (day - self.trial_from[c]) / TRIAL_DAYS, TRIAL_SHARE, 1.0)
            factor[special] = factor[special] * (1.0 - 0.85 * leaving) * np.exp(-since_decline / 25.0) * wallet
        return factor

    def shipping_counts(self, idx: np.ndarray, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Parcels each active customer hands over today, and at what hour.

        Every draw is a keyed uniform of (customer id, day), computed only
        for the customers that use it (regular shippers on their pickup days,
        irregular senders every day: Poisson with four-weekly bursts), so a
        customer's parcels depend on its own id alone.
        """
        key = self.key_timing
        reg = self.regular[idx]
        counts = np.zeros(len(idx), dtype=np.int64)

        weekday = self.factors["weekday"][day]
        business_day = self.factors["business_day"][day]
        r = np.flatnonzero(reg)
        ecommerce = self.type[idx[r]] == records.CUSTOMER_TYPES.index("ecommerce")
        due = ecommerce | ((weekday < 5) & ((business_day - self.phase[idx[r]]) % np.maximum(self.interval[idx[r]], 1) == 0))
        r, ecommerce = r[due], ecommerce[due]
        i = np.flatnonzero(~reg)
        active = np.concatenate([r, i])
        factor = np.empty(len(idx))
        factor[active] = self.volume_factor(idx[active], day)
        ids = self.ids[idx]

        u0, u1, u2 = streams.keyed_uniforms(key, ids[r], day, (0, 1, 2))
        f_r = factor[r]
        weekend_ecom = np.where(ecommerce & (weekday >= 5), 0.8, 1.0)
        size = self.pickup_size[idx[r]] * np.maximum(f_r, 1.0) * weekend_ecom * (0.6 + 0.8 * u2)
        counts[r] = np.where(u0 < np.minimum(f_r, 1.0), np.maximum(1, B.stochastic_round(size, u1)), 0)

        burst = self.bursts(day)[idx[i]]
        u0 = streams.keyed_uniforms(key, ids[i], day, 0)
        counts[i] = B.poisson_from_uniform(self.rate[idx[i]] * factor[i] * burst, u0)

        hour = np.where(reg, self.pickup_hour[idx], np.nan)
        sending = i[counts[i] > 0]
        hour[sending] = 8.0 + 12.0 * streams.keyed_uniforms(key, ids[sending], day, 2)
        return counts, hour

    _burst_block = None

    def bursts(self, day: int) -> np.ndarray:
        """Four-weekly shopping bursts of every market member (mean one), for irregular senders."""
        block = day // 28
        if self._burst_block != block:
            u3, u4 = streams.keyed_uniforms(self.key_timing, self.ids, block, (3, 4))
            self._burst = B.lognormal_from_uniforms(u3, u4, sigma=1.0)
            self._burst_block = block
        return self._burst

    def ship(self, day: int) -> None:
        idx = np.flatnonzero(self.ours)
        counts, hour = self.shipping_counts(idx, day)
        shipping = counts > 0
        idx, counts, hour = idx[shipping], counts[shipping], hour[shipping]
        cust = np.repeat(idx, counts)
        n = len(cust)
        if n == 0:
            self.record_daily(day, cust, np.array([], dtype=np.int64), np.array([]))
            return
        rng = self.rng["shipments"]
        created = day + np.repeat(hour, counts) / 24.0
        picked_up = created + np.where(self.regular[cust], 0.0, rng.uniform(0.5, 4.0, n) / 24.0)

        u = rng.random((4, n))
        route = np.where(u[0] < self.same_city[cust], 0, np.where(u[0] > 1.0 - self.intl[cust], 2, 1))
        upgrades = self.upgrades[cust]
        p_express = self.p_express[cust] + 0.25 * (upgrades & 1)
        p_economy = self.p_economy[cust]
        product = np.where(u[1] < p_express, 1, np.where(u[1] > 1.0 - p_economy, 3, 0))
        product = np.where((product == 1) & (route == 0) & (u[2] < 0.4), 2, product)
        product = np.where((route == 0) & ((upgrades & 2) > 0) & (u[2] < 0.5), 2, product)
        product = np.where(route == 2, 4, product)
        goods = np.where(u[3] < 0.85, self.main_goods[cust], np.where(u[3] < 0.95, 1, 0))
        weight = np.round(TYPICAL_WEIGHT[goods] * rng.lognormal(0, 0.6, n), 2)
        declared = np.round(self.item_value[cust] * rng.lognormal(0, 0.6, n) * np.where(goods == 0, 0.3, 1.0), 0)
        services = self.services[cust] & ~np.where(declared < 200, SERVICE_BIT["insured"], 0)

        outcome, delivered, promised, overload = self.deliver(day, created, picked_up, route, product, goods, cust)
        fees = B.service_fees(services, declared)
        list_part = B.parcel_price(route, product, weight) * self.price_factor[cust]
        price = np.round(list_part + fees, 2)
        if self.sc.loyalty_discount > 0:
            self.retention.discount(cust, list_part)
        stop_cost = np.repeat(B.pickup_cost(self.km[idx]) / counts, counts)
        cost = stop_cost + B.handling_cost(route, weight)
        failed = np.flatnonzero((outcome == B.OUTCOME["lost"]) | (outcome == B.OUTCOME["damaged"]))
        if len(failed):  # claims are paid on the few lost or damaged parcels only
            cost[failed] += B.claim_payout(outcome[failed], declared[failed], price[failed],
                                           (services[failed] & SERVICE_BIT["insured"]) > 0)
        cost = np.round(cost, 2)

        small = np.int8  # codes fit a byte: keeps the year's log compact
        self.logs["shipments"].add(customer=cust.astype(np.int32), created=created, picked_up=picked_up, promised=promised,
                                   delivered=delivered, product=product.astype(small), services=services.astype(small),
                                   route=route.astype(small), weight=weight, declared=declared, goods=goods.astype(small),
                                   price=price, cost=cost, outcome=outcome.astype(small))
        first_id = self.shipments_so_far
        self.shipments_so_far += n
        starts = np.cumsum(counts) - counts  # cust is idx repeated: each customer's parcels sit together
        self.experience(cust, outcome, idx, counts, starts)
        self.raise_complaints(day, cust, outcome, price, first_id, picked_up, promised, delivered, idx, starts)
        self.record_daily(day, cust, outcome, price)
        self.count_lived(outcome, idx, counts, starts)
        self.promotion.at_pickup(day, idx, hour)

    def count_lived(self, outcome: np.ndarray, who: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> None:
        """Keep each customer's tally of parcels, on-time parcels and failures (for the questionnaires)."""
        self.lived["parcels"][who] += counts
        self.lived["on_time"][who] += np.add.reduceat((outcome == B.OUTCOME["on_time"]).astype(float), starts)
        bad = (outcome == B.OUTCOME["lost"]) | (outcome == B.OUTCOME["damaged"])
        if bad.any():
            self.lived["failures"][who] += np.add.reduceat(bad.astype(float), starts)

    shipments_so_far = 0

    def capacity(self, day: int) -> float:
        f = self.factors
        cap = self.capacity_base * f["festival_capacity"][day]
        if f["peak_season"][day]:
            cap *= 1.0 + self.sc.peak_extra_capacity
        if day < self.outage_until:
            cap *= self.sc.hub_outage_capacity
        return max(cap, 1.0)

    def deliver(self, day, created, picked_up, route, product, goods, cust):
        """Push today's parcels through the hub; those over capacity wait their turn."""
        n = len(cust)
        rng = self.rng["outcomes"]
        cap = self.capacity(day)
        if self.backlog + n > cap:  # overtime stretches the shift before parcels wait a day
            cap *= B.OVERTIME
        if self.backlog + n <= cap:
            wait_days = 0.0  # everything is sorted today: no queue order needed
        else:
            order = np.lexsort((created, PRODUCT_PRIORITY[product]))
            position = np.empty(n)
            position[order] = np.arange(n)
            wait_days = np.floor((self.backlog + position) / cap)
        overload = max(0.0, (self.backlog + n) / cap - 1.0)
        self.backlog = max(0.0, self.backlog + n - cap)

        promise = PROMISE_DAYS[route, product]
        promised = day + promise + np.where(promise == 0, 21.0, 18.0) / 24.0
        window = np.maximum(promised - picked_up, 4.0 / 24.0)
        delivered = picked_up + window * np.exp(rng.normal(-0.38 + 0.12 * self.lane_risk[cust], 0.2, n)) + wait_days
        if day < self.outage_until:
            delivered = delivered + rng.uniform(0.5, 2.5, n)
        p = B.failure_probabilities(goods, self.fragility[cust], min(overload, 2.0), self.sc.service_quality)
        u = rng.random(n)
        lost = u < p["lost"]
        damaged = ~lost & (u < p["lost"] + p["damaged"])
        u = rng.random(n)
        # the worst thing that happened wins: later assignments overrule earlier ones
        outcome = np.full(n, B.OUTCOME["on_time"])
        outcome[u < p["tracking_error"] + p["billing_error"]] = B.OUTCOME["billing_error"]
        outcome[u < p["tracking_error"]] = B.OUTCOME["tracking_error"]
        outcome[delivered > promised] = B.OUTCOME["late"]
        outcome[damaged] = B.OUTCOME["damaged"]
        outcome[lost] = B.OUTCOME["lost"]
        delivered[lost] = np.nan
        return outcome, delivered, promised, overload

    def experience(self, cust: np.ndarray, outcome: np.ndarray, who: np.ndarray, counts: np.ndarray,
                   starts: np.ndarray) -> None:
        """Each shipping day moves the customer's satisfaction toward how it went.

        ``cust`` lists each parcel's customer, grouped: customer ``who[k]``
        owns the ``counts[k]`` parcels from ``starts[k]``.
        """
        # most parcels arrive on time: work out the feel of the others only
        feel = np.repeat(B.on_time_feel(self.exp_mean[who]), counts)
        bad = np.flatnonzero(outcome != B.OUTCOME["on_time"])
        if len(bad):
            c = cust[bad]
            feel[bad] = B.parcel_experience(outcome[bad], self.w["speed"][c], self.w["safety"][c],
                                            self.w["convenience"][c], self.w["price"][c], self.exp_mean[c])
        mean = np.add.reduceat(feel, starts) / counts
        worst = np.minimum.reduceat(feel, starts)
        day_feel = 0.6 * mean + 0.4 * worst
        weight = np.minimum(np.where(self.regular[who], 1.0 - 0.993 ** counts, 0.15), 0.1)
        weight = weight * np.where(day_feel < self.satisfaction[who], B.NEGATIVITY, 1.0)
        self.satisfaction[who] = B.update_satisfaction(self.satisfaction[who], day_feel, weight)

    # --- complaints ------------------------------------------------------------
    def raise_complaints(self, day, cust, outcome, price, first_id, picked_up, promised, delivered, who, first) -> None:
        """Failures meet customers' expectations; some turn into complaints (one per cause a day)."""
        rng = self.rng["complaints"]
        u = rng.random(len(cust))
        bad = np.flatnonzero(outcome != B.OUTCOME["on_time"])  # a parcel on time draws no complaint
        c = cust[bad]
        hit = bad[u[bad] < B.complaint_probability(outcome[bad], self.propensity[c], self.exp_speed[c], self.satisfaction[c])]
        seen = set()
        for i in hit:
            cause = B.CAUSE_OF_OUTCOME[records.OUTCOMES[outcome[i]]]
            if (cust[i], cause) not in seen:
                seen.add((cust[i], cause))
                noticed = {"late": promised[i], "lost": promised[i] + 1.0, "tracking": picked_up[i] + 0.5}.get(cause, delivered[i])
                self.open_complaint(int(cust[i]), first_id + int(i), cause, float(price[i]), noticed + rng.uniform(0.02, 1.0))
        rude = rng.random(len(who)) < B.ATTITUDE_RATE * self.propensity[who] * 8
        for c, i in zip(who[rude], first[rude]):
            self.open_complaint(int(c), first_id + int(i), "attitude", float(price[i]), picked_up[i] + rng.uniform(0.02, 0.5))

    def open_complaint(self, c: int, shipment: int, cause: str, price: float, opened: float) -> None:
        if opened < self.days:
            self.env.process(self.handle_complaint(c, shipment, cause, price, opened))

    def handle_complaint(self, c: int, shipment: int, cause: str, price: float, opened: float):
        """A complaint waits for a free handler, is answered, investigated and closed."""
        env, rng = self.env, self.rng["service"]
        yield env.timeout(opened - env.now)
        effort_hours = EFFORT_HOURS[cause]
        target = float(self.lever["target_hours"][c])
        policy = levers.POLICIES[self.lever["policy"][c]]
        with self.staff.request(priority=0 if self.lever["priority"][c] else 1) as turn:
            yield turn
            responded = env.now + rng.exponential(1.0) / 24.0
            yield env.timeout(rng.exponential(effort_hours) / 8.0)
        if (responded - opened) * 24.0 > target:
            # the response-time target is a promise: a supervisor calls back in time when the queue is long
            responded = opened + target * rng.uniform(0.6, 1.0) / 24.0
            self.retention_actions.append((c, responded, "fast_response", FAST_RESPONSE_COST))
        investigation = INVESTIGATION_DAYS.get(cause, 0.6)
        resolved = max(env.now, responded) + rng.exponential(investigation)
        response_hours = (responded - opened) * 24.0
        recovered = bool(rng.random() < B.recovery_probability(response_hours, target, policy))
        compensation = B.compensation_amount(cause, policy, price)
        self.complaints.append((c, shipment, cause, opened, responded, resolved, compensation, recovered))
        if compensation > 0:
            self.retention_actions.append((c, resolved, "complaint_compensation", compensation))
        yield env.timeout(max(resolved - env.now, 0.0))
        self.satisfaction[c] = min(max(float(self.satisfaction[c]) + (B.RECOVERED if recovered else B.UNRECOVERED), -1.0), 1.0)
        self.lived["recovered" if recovered else "unrecovered"][c] += 1
        self.follow_up(c, resolved, cause, recovered)

    def follow_up(self, c: int, resolved: float, cause: str, recovered: bool) -> None:
        """After closing a complaint, ask how the customer took it (and note any threat to leave)."""
        rng = self.rng_follow_up
        when = resolved + rng.uniform(0.5, 4.0)
        if when >= self.days or rng.random() > 0.6:
            return
        if recovered:
            self.contacts.append((c, when, "complaint_follow_up", False, f"Follow-up on the {cause} complaint: customer satisfied"))
        else:
            rival = "falcon" if self.w["brand"][c] + self.w["safety"][c] > 0.35 else "sparrow"
            threat = rng.random() < 0.3
            note = f"Follow-up on the {cause} complaint: customer still unhappy"
            self.contacts.append((c, when, "complaint_follow_up", bool(threat),
                                  note + (f"; says {rival} would not have let this happen" if threat else "")))

    # --- churn and relationships -------------------------------------------------
    def settle_churn(self, day: int) -> None:
        """Customers whose leaving date has come stop shipping with us today."""
        self.ours[self.ours & (self.churn_day <= day)] = False
        # value decline and arrears are settled here as they do not wait for a review
        ours = np.flatnonzero(self.ours)
        faded = ours[(day - self.decline_from[ours]) > 55]
        owing = ours[np.isfinite(self.arrears_from[ours])]  # the few in arrears at all
        overdue = owing[(day - self.arrears_from[owing]) > 45 + 45 * (self.ids[owing] % 7) / 6]
        self.churn(faded, day, "value_decline", "sparrow", immediate=True)
        self.churn(overdue, day, "dropped", "none", immediate=True)

    def churn(self, who: np.ndarray, day: int, kind: str, courier, immediate: bool) -> None:
        who = who[self.churn_day[who] == NEVER]
        if len(who) == 0:
            return
        self.churn_kind[who] = kind
        self.courier[who] = courier
        if immediate:
            self.churn_day[who] = day
            self.ours[who] = False
        else:
            self.leaving_from[who] = day
            self.churn_day[who] = np.ceil(day + self.ramp_days[who])

    def review_churn(self, day: int) -> None:
        """The weekly look at who is leaving: competitors' pull and customers' own reasons."""
        idx = np.flatnonzero(self.ours & (self.churn_day == NEVER))
        sc = self.sc
        war = (day >= self.price_war_from) & (self.type[idx] == records.CUSTOMER_TYPES.index(sc.price_war_segment))
        cut = np.where(war, sc.price_war_cut, 0.0)
        pull = B.price_pull(self.w["price"][idx], sc.price_index * (1.0 - self.lever["discount"][idx]), cut)
        st = self.stage[idx]
        stage_factor = np.select([st == name for name in ("initial", "stable", "strategic")],
                                 [B.STAGE_HAZARD[name] for name in ("initial", "stable", "strategic")], 1.0)
        h_comp = B.competitor_hazard(self.level[idx], self.satisfaction[idx], pull, stage_factor) * self.lever["care_hazard"][idx]
        h_own = B.own_reasons_hazard(self.level[idx], self.satisfaction[idx])
        u = streams.keyed_uniforms(self.key_churn, self.ids[idx], day)
        lured = idx[u < h_comp]
        own = idx[(u >= h_comp) & (u < h_comp + h_own)]
        to_war = war[u < h_comp]
        rival = np.where(to_war, sc.price_war_competitor,
                         np.where(self.w["brand"][lured] + self.w["safety"][lured] > 0.35, "falcon", "sparrow"))
        self.churn(lured, day, "competitor", rival, immediate=False)
        self.churn(own, day, "own_reasons", "none", immediate=False)
        self.note_competitor_mentions(day, lured, rival)
        if war.any():
            self.note_price_war_talk(day, idx[war & (u >= h_comp)])
        self.note_business_news(day, own, idx)

    def note_price_war_talk(self, day: int, who: np.ndarray) -> None:
        """During a price war, customers of the targeted segment cite the rival's offer (a warning signal)."""
        rng, sc = self.rng_mentions, self.sc
        talk = who[rng.random(len(who)) < 0.04 * (1.0 + 4.0 * self.w["price"][who])]
        for c in talk:
            self.contacts.append((int(c), day + rng.uniform(0, 7), "price_inquiry", True,
                                  f"Customer cited {sc.price_war_competitor}'s offer, {sc.price_war_cut:.0%} below our price"))

    def note_competitor_mentions(self, day: int, who: np.ndarray, rival: np.ndarray) -> None:
        """Contact notes: leaving customers cite a competitor's strengths (a warning signal)."""
        rng = self.rng["contacts"]
        for c, r in zip(who, rival):
            for k in range(int(rng.integers(1, 4))):
                when = day + rng.uniform(0, self.ramp_days[c] * 0.8)
                pitch = "lower price" if self.w["price"][c] > 0.25 else "faster, more reliable delivery"
                self.contacts.append((int(c), when, "competitor", True, f"Customer mentioned {r}'s {pitch}"))

    def note_business_news(self, day: int, leaving: np.ndarray, ours: np.ndarray) -> None:
        """Contact notes on a new owner or a new course: businesses leaving for their own reasons or
        shrinking often announce it, and a few that stay have such news too (a warning, not a verdict)."""
        rng = self.rng_news
        business = lambda c: c[self.type[c] != records.CUSTOMER_TYPES.index("individual")]
        leaving = business(leaving)
        leaving = leaving[rng.random(len(leaving)) < NEWS_HEARD]
        shrinking = business(ours[(self.decline_from[ours] >= day - 7) & (self.decline_from[ours] < day)])
        shrinking = shrinking[rng.random(len(shrinking)) < NEWS_HEARD]
        # not those already shrinking or in arrears: they are settled at once and the note could come too late
        settled_soon = (self.decline_from[ours] <= day + 7) | (self.arrears_from[ours] <= day + 7)
        staying = business(ours[(self.churn_day[ours] == NEVER) & ~settled_soon])
        staying = staying[rng.random(len(staying)) < NEWS_NOISE * 7 / 365]
        notes = [(c, day + rng.uniform(0, 0.8 * self.ramp_days[c]), None) for c in leaving]
        notes += [(c, self.decline_from[c] + rng.uniform(0, 21), SCALING_DOWN) for c in shrinking]
        notes += [(c, day + rng.uniform(0, 7), None) for c in staying]
        for c, when, note in notes:
            if note is None:
                course = NEW_COURSE[int(rng.integers(len(NEW_COURSE)))]
                note = NEW_OWNER if rng.random() < 0.4 else f"The business is {course}; its shipping will change"
            if when < self.days:
                self.contacts.append((int(c), when, "business_change", False, note))

    def review_accounts(self, day: int) -> None:
        """Monthly key-account review: trust grows with satisfaction, breaks with failures."""
        rng = self.rng["stages"]
        idx = np.flatnonzero(self.ours & self.key_account & (self.churn_day == NEVER))
        u = rng.random(len(idx))
        s = self.satisfaction[idx]
        stage = self.stage[idx]
        level = self.level[idx]
        up = ((stage == "incubation") | ((stage == "initial") & (s > 0.35) & (u < 0.25)) |
              ((stage == "stable") & (s > 0.55) & (level == 0) & (u < 0.08)))
        down = ((stage == "stable") & (s < 0.0) & (u < 0.3)) | ((stage == "strategic") & (s < 0.1) & (u < 0.2))
        for c, go_up in zip(np.concatenate([idx[up], idx[down]]), [True] * int(up.sum()) + [False] * int(down.sum())):
            old = self.stage[c]
            order = records.STAGES.index(old)
            new = records.STAGES[order + 1 if go_up else order - 1]
            self.stage[c] = new
            self.stage_changes.append((int(c), float(day), old, new))
        calm = idx[(rng.random(len(idx)) < 0.15)]
        for c in calm:
            mention = rng.random() < 0.03
            when = day + rng.uniform(0, 5)
            self.contacts.append((int(c), when, "check_in", bool(mention),
                                  "Routine check-in" + ("; asked how our prices compare" if mention else "")))
            self.retention.account_visit(c, when)

    # --- new customers -------------------------------------------------------------
    def acquire(self, j: int, when: float, channel: str, trust: float) -> None:
        """A prospect signed: it ships with us from the next day (客户开发成交)."""
        day = float(np.floor(when) + 1.0)
        u = streams.keyed_uniforms(self.key_join, self.ids[j:j + 1], 0, 0)[0]
        self.ours[j] = True
        self.courier[j] = "us"
        self.joined[j] = day
        self.trial_from[j] = day
        self.channel[j] = channel
        self.satisfaction[j] = float(np.clip(0.3 + 0.1 * trust + 0.3 * u, -1.0, 1.0))
        if self.key_account[j] and self.stage[j] in (None, "incubation"):
            self.stage_changes.append((j, when, self.stage[j] or "incubation", "initial"))
            self.stage[j] = "initial"
        if self.decline_from[j] < day + 60:
            self.decline_from[j] = NEVER
        if self.bad_credit[j]:
            u2 = streams.keyed_uniforms(self.key_join, self.ids[j:j + 1], 0, 1)[0]
            self.arrears_from[j] = day + 20 + 100 * u2  # looked fine, then the bills go unpaid
            self.note_arrears(np.array([j]))
        code = levers.assign(self.sc, self.ids[j:j + 1], self.level[j:j + 1], self.key_account[j:j + 1])
        self.treatment[j] = records.TREATMENTS[code[0]]
        for name, values in levers.per_customer(self.sc, code).items():
            self.lever[name][j] = values[0]
        self.price_factor[j] = self.contract_factor[j] * (1.0 - self.lever["discount"][j])

    def note_arrears(self, who: np.ndarray) -> None:
        """Contact notes about overdue invoices before a bad payer is dropped (a warning signal)."""
        for c in who[np.isfinite(self.arrears_from[who])]:
            when = self.arrears_from[c] + 20
            if when < self.days:
                self.contacts.append((int(c), when, "billing", False, "Invoices overdue; reminded the customer to pay"))

    def price_gap(self, idx: np.ndarray, day: int) -> np.ndarray:
        """Our effective price against the rivals' (0 = level), for survey price perceptions."""
        sc = self.sc
        war = (day >= self.price_war_from) & (self.type[idx] == records.CUSTOMER_TYPES.index(sc.price_war_segment))
        return (sc.price_index * (1.0 - self.lever["discount"][idx]) - 1.0) + np.where(war, sc.price_war_cut, 0.0)

    # --- records -----------------------------------------------------------------
    def record_event(self, kind: str, start_day: float, end_day: float, segment: str, detail: str) -> None:
        self.events.append((kind, start_day, end_day, segment, detail))

    def record_daily(self, day: int, cust: np.ndarray, outcome: np.ndarray, price: np.ndarray) -> None:
        k = len(TYPES)
        seg = self.type[cust]
        parcels = np.bincount(seg, minlength=k)
        on_time = np.bincount(seg, outcome == B.OUTCOME["on_time"], minlength=k)
        revenue = np.bincount(seg, price, minlength=k)
        active = np.bincount(self.type[self.ours], minlength=k)
        parcels, on_time, revenue, active = (np.append(a, a.sum()) for a in (parcels, on_time, revenue, active))
        self.logs["daily"].add(day=np.full(k + 1, day), segment=np.arange(k + 1), parcels=parcels, on_time=on_time, revenue=revenue, active=active)
