"""Customer development (客户开发): salespeople working the prospecting funnel.

Picture the branch's small sales team: each morning a salesperson either
visits the leads that are ready for a meeting or, when none is waiting, goes
prospecting with one of the eight methods of the courseware (door-to-door,
referral, halo, direct mail, telemarketing, snowball, records research,
market consultation). Salespeople are a scarce SimPy resource: a visit holds
one for a slot of the working day, so a lead that waits too long for a free
salesperson goes cold.

Every lead walks the funnel lead → qualified → visited → proposal → won /
lost, each stage stamped with its time, with a lost reason and the money it
cost. The market decides the outcome: prospects with no need say so, bad
payers slip through unless someone checks the records (and stop paying after
they are won), customers loyal to their courier will not meet, and a
proposal is signed or not on price, brand and trust. Satisfied customers
send referrals of their own accord. Won prospects become customers of the
run from the next day, with the method as their acquisition channel.

Methods differ by customer type and district (the ``METHODS`` table): door-
to-door works in CBD towers and specialty markets and barely in residential
blocks; referral and snowball work among businesses that know each other;
direct mail and telemarketing are cheap per lead but few leads answer.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import behaviour as B
from . import records, streams
from .population import NEW_MARKET_ID_OFFSET
from .promotion import codes

TYPES = records.CUSTOMER_TYPES
DISTRICTS = records.DISTRICTS
NEVER = np.inf
WORK_START, WORK_END = 9.0 / 24.0, 17.0 / 24.0   # a salesperson's working day
REP_DAY_COST = 230.0      # yuan: salary, travel and phone of one salesperson for a day
VISIT_EXTRA = 15.0        # travel and samples per visit
PROPOSAL_EXTRA = 40.0     # quote, contract draft, trial shipment
ONBOARDING = 60.0         # account set-up and welcome pack for a won customer
PATIENCE = 21.0           # days a qualified lead waits for a visit before it goes cold
COOL_DOWN = 90.0          # days before a lost prospect may be approached again
CAMPAIGN_DAYS = 70        # after a new market opens, sessions canvass it first
CAMPAIGN_FOCUS = 0.6      # share of sessions spent on the new market during the campaign
REFERRAL_TYPE = np.array([2.0, 0.5, 1.5, 2.0, 1.5])  # enterprises know each other; individuals refer less


class Method(NamedTuple):
    leads_per_session: float   # leads one salesperson finds in one slot of prospecting
    media_cost: float          # yuan per lead: postage, calls, a lunch with an influencer, directory fees
    response: float            # base chance a lead answers and agrees to talk
    days_to_qualify: tuple     # (low, high) days from lead to the qualifying conversation
    trust: float               # how much the way the lead came in helps the meeting and the close
    screens_credit: float      # chance a bad payer is spotted before the visit
    fit: tuple                 # response multiplier by customer type (TYPES order)
    target: tuple              # how often the method reaches each customer type
    district: dict             # response and reach multiplier by district (default 1)
    level: tuple = (1.0, 1.0, 1.0)  # reach multiplier by value level (high, mid, mass)
    need_filter: float = 1.0   # reach multiplier for members with no need (directories list shippers)


METHODS: dict[str, Method] = {
    "door_to_door": Method(2.0, 0.0, 0.65, (0, 0), 0.1, 0.1,
                           fit=(1.0, 0.4, 1.2, 1.25, 0.9), target=(1.0, 0.5, 1.0, 1.0, 0.8),
                           district={"cbd_tower": 1.35, "specialty_market": 1.35, "business_park": 0.9,
                                     "industrial_zone": 0.8, "residential": 0.35}),
    "referral": Method(1.0, 0.0, 0.9, (1, 4), 1.0, 0.3,
                       fit=(1.1, 0.8, 1.0, 1.1, 1.0), target=(1, 1, 1, 1, 1), district={}),
    "halo": Method(0.7, 40.0, 0.85, (3, 10), 0.8, 0.3,
                   fit=(1.1, 0.6, 1.1, 1.0, 0.9), target=(2.0, 0.2, 2.0, 1.5, 1.0), district={},
                   level=(5.0, 1.5, 0.2)),
    "direct_mail": Method(20.0, 3.0, 0.09, (7, 21), -0.2, 0.0,
                          fit=(1.0, 0.5, 0.6, 0.8, 1.4), target=(1, 1, 1, 1, 1), district={}),
    "telemarketing": Method(6.0, 2.0, 0.25, (0, 2), -0.3, 0.0,
                            fit=(0.8, 1.0, 0.5, 0.9, 1.3), target=(1, 1, 1, 1, 1), district={}),
    "snowball": Method(1.2, 10.0, 0.8, (2, 7), 0.6, 0.2,
                       fit=(1.2, 0.5, 1.0, 1.2, 1.0), target=(1, 1, 1, 1, 1), district={}),
    "records_research": Method(3.0, 5.0, 0.45, (2, 6), 0.0, 0.8,
                               fit=(1.2, 0.3, 0.9, 1.0, 0.8), target=(3.0, 0.1, 2.0, 2.0, 1.0), district={},
                               need_filter=0.3),
    "market_consultation": Method(2.0, 25.0, 0.6, (3, 8), 0.3, 0.5,
                                  fit=(0.8, 0.3, 0.7, 1.4, 1.2), target=(1.0, 0.1, 0.5, 4.0, 2.0),
                                  district={"specialty_market": 2.0}, need_filter=0.5),
}
assert tuple(METHODS) == records.METHODS
# Share of prospecting sessions per method when the scenario says "mix".
MIX = {"door_to_door": 0.24, "referral": 0.10, "halo": 0.08, "direct_mail": 0.05,
       "telemarketing": 0.15, "snowball": 0.08, "records_research": 0.16, "market_consultation": 0.14}
METHOD_INDEX = {m: i for i, m in enumerate(records.METHODS)}
_WON, _LOST, _OPEN = (records.LEAD_RESULTS.index(r) for r in ("won", "lost", "open"))
_NO_RESPONSE, _NO_NEED, _BAD_CREDIT = (records.LOST_REASONS.index(r) for r in ("no_response", "no_need", "bad_credit"))
_FIT = np.array([METHODS[m].fit for m in records.METHODS])
_TARGET = np.array([METHODS[m].target for m in records.METHODS])
_DISTRICT = np.array([[METHODS[m].district.get(d, 1.0) for d in DISTRICTS] for m in records.METHODS])
_LEVEL = np.array([METHODS[m].level for m in records.METHODS])
_RESPONSE = np.array([METHODS[m].response for m in records.METHODS])
_LEADS = np.array([METHODS[m].leads_per_session for m in records.METHODS])
_MEDIA = np.array([METHODS[m].media_cost for m in records.METHODS])
_SCREENS = np.array([METHODS[m].screens_credit for m in records.METHODS])
_QUALIFY_LO = np.array([METHODS[m].days_to_qualify[0] for m in records.METHODS], dtype=float)
_QUALIFY_HI = np.array([METHODS[m].days_to_qualify[1] for m in records.METHODS], dtype=float)


def method_weights(choice: str) -> np.ndarray:
    """Share of prospecting sessions per method (records.METHODS order)."""
    if choice == "mix":
        w = np.array([MIX[m] for m in records.METHODS])
    else:
        w = np.array([1.0 if m == choice else 0.0 for m in records.METHODS])
    return w / w.sum()


def reach_weights(method: int, type_code, district_code, level_code, no_need) -> np.ndarray:
    """How likely the method is to turn up each member of the pool as a lead (unnormalised)."""
    m = METHODS[records.METHODS[method]]
    return (_TARGET[method, type_code] * _DISTRICT[method, district_code] * _LEVEL[method, level_code]
            * np.where(no_need, m.need_filter, 1.0))


def _draw(choice: np.ndarray, rng) -> int | None:
    """One of ``choice`` at random (None, and no draw, when it is empty)."""
    return int(choice[rng.integers(len(choice))]) if len(choice) else None


def largest_first(keys: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest keys, largest first: a partial sort, as a full one costs a pool-sized sort."""
    if k >= np.isfinite(keys).sum():  # ties at -inf (zero weights): let a full sort decide, as it always did
        return np.argsort(-keys)[:k]
    top = np.argpartition(-keys, k - 1)[:k] if k else np.array([], dtype=np.int64)
    return top[np.argsort(-keys[top])]


def response_probability(method, type_code, district_code) -> np.ndarray:
    """Chance a lead of this method answers: the method's base rate times its fit to the customer."""
    return np.clip(_RESPONSE[method] * _FIT[method, type_code] * _DISTRICT[method, district_code], 0.0, 0.97)


class SalesForce:
    """The sales team and its funnel, living inside an Engine's SimPy environment."""

    def __init__(self, engine):
        import simpy
        e = self.e = engine
        sc = e.sc
        self.n_reps = sc.sales_reps
        self.reps = simpy.PriorityResource(e.env, capacity=max(self.n_reps, 1)) if self.n_reps else None
        self.free_reps = list(range(1, self.n_reps + 1))
        self.slot = (WORK_END - WORK_START) / sc.visits_per_rep_day
        self.slot_cost = REP_DAY_COST / sc.visits_per_rep_day
        self.weights = method_weights(sc.sales_method)
        self.cum_weights = np.cumsum(self.weights)
        seed = sc.seed
        self.rng = {p: streams.generator(seed, f"sales.{p}") for p in ("sessions", "targeting", "funnel", "referrals")}
        m = e.market
        self.district = codes(m["district"], DISTRICTS)
        self.market_code = codes(m["specialty_market"], records.SPECIALTY_MARKETS)
        self.no_need = (m["courier"] == "none").to_numpy()
        # how each method reaches each market member depends on fixed traits only: work it out once
        self.reach = np.stack([reach_weights(mi, e.type, self.district, e.level, self.no_need)
                               for mi in range(len(records.METHODS))])
        self.rival_low_price = (m["courier"] == "sparrow").to_numpy()
        self.loyalty = m["competitor_loyalty"].to_numpy(float)
        self.available_from = m["available_from"].to_numpy(float)
        self.new_market = e.ids > NEW_MARKET_ID_OFFSET
        self.in_funnel = np.zeros(e.n, bool)
        self.cool_until = np.zeros(e.n)
        self.won_day = np.full(e.n, NEVER)
        f = e.factors
        work = (f["weekday"] < 5) & (f["festival_capacity"] > 0.5)
        self.workday = np.append(work, True)  # the day after the run counts as working
        nxt = np.empty(len(self.workday), dtype=np.int64)
        following = len(self.workday) - 1
        for d in range(len(self.workday) - 1, -1, -1):
            if self.workday[d]:
                following = d
            nxt[d] = following
        self.next_workday = nxt
        self.visits = float(sc.visits_per_rep_day)
        self.used = np.zeros((e.days + 2, max(self.n_reps, 1)))  # slots each salesperson spent on visits, per day
        self.cols = {c: [] for c in ("customer", "method", "rep", "lead", "qualified", "visited",
                                     "proposal", "closed", "result", "lost_reason", "cost")}

    # --- time of the working day ----------------------------------------------------
    def work_start(self, t: float) -> float:
        """The first working moment at or after t (weekdays 9:00-17:00, not the Spring Festival)."""
        d = int(t)
        if d < len(self.workday) - 1 and self.workday[d]:
            frac = t - d
            if frac < WORK_START:
                return d + WORK_START
            if frac < WORK_END - 0.25 * self.slot:
                return t
        d = min(d + 1, len(self.workday) - 1)
        return float(self.next_workday[d]) + WORK_START

    # --- processes ---------------------------------------------------------------------
    def start(self) -> None:
        env = self.e.env
        if self.n_reps:
            env.process(self.planner())
        env.process(self.referrals())

    def planner(self):
        """At the end of each working day, the slots no visit took went on prospecting.

        Visits and proposals come first (they hold a salesperson through the
        SimPy resource); whatever time is left of each salesperson's day is
        spent finding new leads with the scenario's method mix.
        """
        env, e = self.e.env, self.e
        while True:
            day = int(self.work_start(env.now))
            yield env.timeout(day + WORK_END - env.now)
            if day >= e.days:
                return
            free = np.floor(self.visits - self.used[day] + 0.25).astype(np.int64)
            if free.sum() > 0:
                self.prospect_day(day, np.maximum(free, 0))

    def take_rep(self) -> int:
        self.free_reps.sort()
        return self.free_reps.pop(0)

    def referrals(self):
        """Each week some satisfied customers recommend us to a business or person like them."""
        e, rng = self.e, self.rng["referrals"]
        while True:
            yield e.env.timeout(7)
            day = int(e.env.now)
            if day >= e.days:
                return
            idx = np.flatnonzero(e.ours & (e.churn_day == NEVER))
            p = B.referral_probability(e.satisfaction[idx], REFERRAL_TYPE[e.type[idx]], e.sc.referral_incentive)
            for c in idx[rng.random(len(idx)) < p]:
                j = self.similar_prospect(int(c), day, rng)
                if j is not None:
                    rep = 1 + len(self.cols["customer"]) % self.n_reps if self.n_reps else 0
                    self.open_lead(j, METHOD_INDEX["referral"], rep, day + rng.uniform(0.3, 0.7), cost=0.0)

    # --- finding leads -------------------------------------------------------------------
    def pool(self, day: int) -> np.ndarray:
        """Market members a salesperson may approach today: never ours, not in the funnel, not resting."""
        e = self.e
        ok = ~np.isfinite(e.joined) & ~self.in_funnel & (self.cool_until <= day) & (self.available_from <= day)
        return np.flatnonzero(ok)

    def similar_choices(self, c: int, pool: np.ndarray) -> np.ndarray:
        """Prospects like customer c in ``pool``: same type, and same market and district when there are any."""
        e = self.e
        same = pool[e.type[pool] == e.type[c]]
        closer = same[(self.market_code[same] == self.market_code[c]) & (self.district[same] == self.district[c])]
        return closer if len(closer) else same

    def similar_prospect(self, c: int, day: int, rng, pool: np.ndarray | None = None) -> int | None:
        """A prospect like customer c from ``pool`` (default: today's), drawn at random."""
        return _draw(self.similar_choices(c, self.pool(day) if pool is None else pool), rng)

    def prospect_day(self, day: int, sessions: np.ndarray) -> None:
        """Prospecting slots of one day (``sessions[r]`` for salesperson r + 1): find leads, open them.

        Sessions of the same method (and focus) share one weighted draw from
        the market; each session then takes its share of the names in turn.
        """
        e, rng, trg = self.e, self.rng["sessions"], self.rng["targeting"]
        rep = np.repeat(np.arange(1, self.n_reps + 1), sessions)
        s = len(rep)
        method = np.searchsorted(self.cum_weights, rng.random(s) * self.cum_weights[-1], side="right")
        wanted = rng.poisson(_LEADS[method])
        when = day + WORK_START + (WORK_END - WORK_START) * rng.random(s)
        campaign = e.sc.new_market != "none" and e.sc.new_market_day <= day < e.sc.new_market_day + CAMPAIGN_DAYS
        focus = rng.random(s) < (CAMPAIGN_FOCUS if campaign else 0.0)
        pool = self.pool(day)
        if len(pool) == 0:
            return
        free = np.ones(len(pool), bool)              # still unclaimed today
        in_new_market = self.new_market[pool]
        found = {k: [] for k in ("js", "method", "rep", "when", "cost")}
        for mi, fo in sorted({(int(m), bool(f)) for m, f in zip(method, focus)}):
            group = np.flatnonzero((method == mi) & (focus == fo) & (wanted > 0))
            if len(group) == 0:
                continue
            cand = np.flatnonzero(free & in_new_market) if fo else np.flatnonzero(free)
            if len(cand) == 0:
                continue
            total = int(wanted[group].sum())
            if mi in (METHOD_INDEX["referral"], METHOD_INDEX["snowball"]):
                available = np.zeros(e.n, bool)
                available[pool[cand]] = True
                picks = self.picks_by_seed(day, mi, total, available, trg)
                free[np.searchsorted(pool, picks)] = False  # picks come from the (sorted) pool
            else:
                # weighted sampling without replacement (Efraimidis-Spirakis): the largest log(u) / w
                keys = np.log(trg.random(len(cand))) / self.reach[mi, pool[cand]]
                chosen = cand[largest_first(keys, min(total, len(cand)))]
                free[chosen] = False
                picks = pool[chosen]
            # hand the names to the sessions in turn: session i takes names[a_i:b_i]
            bounds = np.minimum(np.cumsum(wanted[group]), len(picks))
            sizes = np.diff(bounds, prepend=0)
            found["js"].append(picks[:bounds[-1]])
            found["method"].append(np.full(bounds[-1], mi))
            found["rep"].append(np.repeat(rep[group], sizes))
            found["when"].append(np.repeat(when[group], sizes))
            found["cost"].append(np.repeat(self.slot_cost / np.maximum(sizes, 1) + _MEDIA[mi], sizes))
        if found["js"]:
            self.open_leads(*(np.concatenate(found[k]) for k in ("js", "method", "rep", "when", "cost")))

    def picks_by_seed(self, day: int, method: int, n: int, available: np.ndarray, rng) -> np.ndarray:
        """Referral and snowball: ask customers for names, each name a prospect like the customer."""
        seeds = self.seeds(day, method)
        picks = []
        pool = np.flatnonzero(available)
        choices = {}  # the pool split by (type, market, district) once per call, not once per name
        for c in (seeds[rng.integers(len(seeds), size=n)] if len(seeds) else []):
            like = (self.e.type[c], self.market_code[c], self.district[c])
            if like not in choices:
                choices[like] = self.similar_choices(int(c), pool)
            j = _draw(choices[like], rng)
            if j is not None and j not in picks:
                picks.append(j)
        return np.array(picks, dtype=np.int64)

    def seeds(self, day: int, method: int) -> np.ndarray:
        """Who a salesperson asks for names: recent wins (snowball) or satisfied customers (referral)."""
        e = self.e
        active = e.ours & (e.churn_day == NEVER)
        if records.METHODS[method] == "snowball":
            recent = np.flatnonzero(active & (day - self.won_day < 120) & (e.type != 1))
            if len(recent):
                return recent
        return np.flatnonzero(active & (e.satisfaction > 0.5))

    # --- the funnel ------------------------------------------------------------------------
    def open_lead(self, j: int, method: int, rep: int, when: float, cost: float) -> None:
        one = np.ones(1)
        self.open_leads(np.array([j], dtype=np.int64), one.astype(np.int64) * method, one.astype(np.int64) * rep,
                        one * when, one * cost)

    def open_leads(self, js: np.ndarray, method: np.ndarray, rep: np.ndarray, when: np.ndarray, cost: np.ndarray) -> None:
        """Record leads and settle their qualifying conversations; qualified leads get a process.

        Vectorised over the leads one session finds: most are lost at this
        stage (no answer, no need, bad credit found in the records), without
        ever needing a salesperson.
        """
        e = self.e
        keep = ~self.in_funnel[js]
        js, method, rep, when, cost = js[keep], method[keep], rep[keep], when[keep], cost[keep]
        n = len(js)
        if n == 0:
            return
        first = len(self.cols["customer"])
        u = self.rng["funnel"].random((n, 5))
        lo, hi = _QUALIFY_LO[method], _QUALIFY_HI[method]
        talk = when + lo + (hi - lo) * u[:, 0] + np.where(hi == 0, 0.1, 0.0)
        # answers come in office hours
        talk = np.maximum(np.floor(talk) + WORK_START + (talk % 1.0) * (WORK_END - WORK_START), when + 0.02)
        later = talk >= e.days                      # the answer comes after the run: still open
        answered = u[:, 1] < response_probability(method, e.type[js], self.district[js])
        no_need = answered & self.no_need[js]
        bad = answered & ~no_need & e.bad_credit[js] & (u[:, 2] < _SCREENS[method])
        lost = ~later & (~answered | no_need | bad)
        qualified = ~later & ~lost
        reason = np.where(~answered, _NO_RESPONSE, np.where(no_need, _NO_NEED, _BAD_CREDIT))
        c = self.cols
        c["customer"].extend(js.tolist())
        c["method"].extend(method.tolist())
        c["rep"].extend(rep.tolist())
        c["lead"].extend(when.tolist())
        c["qualified"].extend(np.where(qualified, talk, np.nan).tolist())
        c["visited"].extend([np.nan] * n)
        c["proposal"].extend([np.nan] * n)
        c["closed"].extend(np.where(lost, talk, np.nan).tolist())
        c["result"].extend(np.where(lost, _LOST, _OPEN).tolist())
        c["lost_reason"].extend(np.where(lost, reason, -1).tolist())
        c["cost"].extend((cost + 8.0 * (answered & ~later)).tolist())  # the qualifying call
        cool = np.where(~answered, COOL_DOWN, np.where(no_need, 3 * COOL_DOWN, NEVER))
        self.cool_until[js] = np.where(later, NEVER, np.where(lost, talk + cool, self.cool_until[js]))
        if qualified.any():
            self.in_funnel[js[qualified]] = True
            for i in np.flatnonzero(qualified):
                e.env.process(self.work_lead(first + int(i), float(talk[i]), u[i, 3], u[i, 4]))

    def close(self, k: int, result: str, reason: str | None, cool: float = COOL_DOWN) -> None:
        j = self.cols["customer"][k]
        now = self.e.env.now
        self.cols["closed"][k] = now
        self.cols["result"][k] = records.LEAD_RESULTS.index(result)
        self.cols["lost_reason"][k] = -1 if reason is None else records.LOST_REASONS.index(reason)
        self.in_funnel[j] = False
        self.cool_until[j] = now + cool

    def book_rep(self, k: int, priority: int, hold: float):
        """Wait for a free salesperson (the lead goes cold after PATIENCE days), then hold them ``hold`` days."""
        env = self.e.env
        if self.reps is None:
            yield env.timeout(PATIENCE)
            return False
        deadline = env.now + PATIENCE
        start = self.work_start(env.now)
        if start > env.now:
            yield env.timeout(start - env.now)
        req = self.reps.request(priority=priority)
        yield req
        if env.now > deadline:  # nobody came in time
            self.reps.release(req)
            return False
        rep = self.take_rep()
        start = self.work_start(env.now)
        self.used[min(int(start), len(self.used) - 1), rep - 1] += hold / self.slot
        yield env.timeout(start - env.now + hold)
        self.free_reps.append(rep)
        self.reps.release(req)
        if self.cols["rep"][k] == 0:
            self.cols["rep"][k] = rep
        return True

    def work_lead(self, k: int, qualified: float, u_meet: float, u_win: float):
        """A qualified lead: visit, proposal, decision."""
        e, env, rng = self.e, self.e.env, self.rng["funnel"]
        j, method = self.cols["customer"][k], self.cols["method"][k]
        m = METHODS[records.METHODS[method]]
        yield env.timeout(max(qualified - env.now, 0.0))
        key = e.type[j] != TYPES.index("individual")
        visited = yield from self.book_rep(k, 0, self.slot)
        if not visited:
            self.close(k, "lost", "no_follow_up")
            return
        self.cols["visited"][k] = env.now
        self.cols["cost"][k] += self.slot_cost + VISIT_EXTRA
        if u_meet >= B.meeting_probability(self.loyalty[j], m.trust, e.level[j]):
            self.close(k, "lost", "loyal_to_competitor" if self.loyalty[j] > 0.5 else "not_interested")
            return
        yield env.timeout(rng.uniform(2, 7) * (1.6 if key else 1.0))
        proposed = yield from self.book_rep(k, 1, 0.5 * self.slot)
        if not proposed:
            self.close(k, "lost", "no_follow_up")
            return
        self.cols["proposal"][k] = env.now
        self.cols["cost"][k] += 0.5 * self.slot_cost + PROPOSAL_EXTRA
        yield env.timeout(rng.uniform(3, 14) * (1.8 if key else 1.0))
        p = B.win_probability(e.w["price"][j], e.w["brand"][j], e.sc.price_index, self.loyalty[j],
                              self.rival_low_price[j], m.trust)
        if u_win < p:
            self.cols["cost"][k] += ONBOARDING + (e.sc.referral_incentive if records.METHODS[method] == "referral" else 0.0)
            self.close(k, "won", None, cool=NEVER)
            self.won_day[j] = env.now
            e.acquire(j, env.now, records.METHODS[method], m.trust)
        else:
            price_minded = self.rival_low_price[j] and e.w["price"][j] > 0.25
            self.close(k, "lost", "price" if price_minded else "chose_competitor")

    # --- the table ------------------------------------------------------------------------------
    def table_columns(self) -> dict:
        c = self.cols
        return {
            "customer": np.array(c["customer"], dtype=np.int64),
            "method": np.array(c["method"], dtype=np.int64),
            "rep": np.array(c["rep"], dtype=np.int64),
            **{t: np.array(c[t], dtype=float) for t in ("lead", "qualified", "visited", "proposal", "closed")},
            "result": np.array(c["result"], dtype=np.int64),
            "lost_reason": np.array(c["lost_reason"], dtype=np.int64),
            "cost": np.round(np.array(c["cost"], dtype=float), 2),
        }
