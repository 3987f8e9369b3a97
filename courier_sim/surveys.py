"""Customer information (客户信息): questionnaire waves with expectation and perception items.

The inquiry method (询问法) as a branch runs it: a few times a year a random
sample of current customers gets a questionnaire with two Likert items (1-5)
per service dimension: "how important / what do you expect" (expectation)
and "how did we do" (perception). The gap between them is satisfaction as
the courseware defines it.

Like every real survey it measures with error:
- noise: a latent opinion is rounded to a whole score with some randomness;
- response bias: acquiescent respondents tick higher on everything;
- non-response: unhappy customers answer less often, so the survey flatters
  the branch; a few items are skipped.

Perception follows the customer's latent satisfaction and what it lived
through since the previous wave: late parcels (speed), losses and damage
(safety), complaints handled badly (after-sales, 售后, the lowest-rated
dimension as in the national satisfaction survey), prices against rivals.
One row per sampled customer and dimension; a non-respondent's rows hold NaN.
"""
from __future__ import annotations

import numpy as np

from . import records, streams

DIMENSIONS = records.DIMENSIONS   # price, speed, safety, convenience, value_added, brand, after_sales
FIRST_WAVE = 45                   # days into the run of the first wave
ANSWER_DAYS = 14                  # answers come back within two weeks


def wave_days(days: int, waves_per_year: int) -> list[int]:
    """The days (from the start of the run) on which questionnaires go out: evenly spread."""
    if waves_per_year <= 0:
        return []
    step = 365.0 / waves_per_year
    first = min(FIRST_WAVE, step / 2.0)
    return [d for d in (int(round(first + k * step)) for k in range(int(days / step) + 2)) if d < days]


def response_probability(satisfaction: np.ndarray) -> np.ndarray:
    """Chance a sampled customer returns the questionnaire: unhappy customers answer less."""
    return np.clip(0.45 + 0.35 * satisfaction, 0.08, 0.85)


def likert(latent: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """A latent opinion plus noise, rounded to a whole score on 1..5."""
    return np.clip(np.rint(latent + noise), 1, 5)


def perception_latent(satisfaction, price_gap, on_time, failures, services, care, km,
                      complaints_recovered, complaints_unrecovered, w_price) -> np.ndarray:
    """(n, 7) latent perception per dimension (DIMENSIONS order), on the 1..5 scale before bias.

    ``price_gap``: our effective price relative to rivals' (0 = level, 0.3 =
    we are 30 % dearer); ``on_time``: share on time since the last wave (NaN
    if none shipped); ``failures``: lost or damaged parcels since then;
    ``services``: value-added services used; ``care``: on a care plan (0/1/2).
    """
    base = 3.2 + 1.8 * satisfaction
    on_time = np.where(np.isnan(on_time), 0.93, on_time)
    price = base - 0.15 - 2.5 * w_price * price_gap
    speed = base + 2.5 * (on_time - 0.93)
    safety = base + 0.1 - 0.6 * np.minimum(failures, 2)
    convenience = base + 0.1 - 0.04 * (km - 4.0)
    value_added = base - 0.15 + 0.1 * services + 0.25 * care
    brand = base + 0.05 + 0.1 * care
    after_sales = base - 0.5 + 0.15 * np.minimum(complaints_recovered, 2) - 0.8 * np.minimum(complaints_unrecovered, 2) + 0.2 * care
    return np.stack([price, speed, safety, convenience, value_added, brand, after_sales], axis=1)


def expectation_latent(exp: dict[str, np.ndarray]) -> np.ndarray:
    """(n, 7) latent expectation per dimension; after-sales expectations follow speed and safety."""
    after_sales = 0.5 * (exp["speed"] + exp["safety"])
    return np.stack([exp[d] for d in DIMENSIONS[:-1]] + [after_sales], axis=1)


class SurveyDesk:
    """Runs the questionnaire waves inside an Engine."""

    def __init__(self, engine):
        e = self.e = engine
        self.rng = streams.generator(e.sc.seed, "surveys.responses")
        self.days = wave_days(e.days, e.sc.survey_waves)
        m = e.market
        self.exp = {d: m[f"exp_{d}"].to_numpy(float) for d in DIMENSIONS[:-1]}
        self.snapshot = {k: v.copy() for k, v in e.lived.items()}
        self.log = {k: [] for k in ("customer", "wave", "time", "dimension", "expectation", "perception")}

    def process(self):
        env = self.e.env
        for wave, day in enumerate(self.days, start=1):
            yield env.timeout(day + 0.4 - env.now)
            self.run_wave(wave, day)

    def run_wave(self, wave: int, day: int) -> None:
        e, rng, sc = self.e, self.rng, self.e.sc
        idx = np.flatnonzero(e.ours & (e.joined <= day))  # a customer won today starts shipping tomorrow
        idx = idx[rng.random(len(idx)) < sc.survey_sample]
        n = len(idx)
        lived = {k: v[idx] - self.snapshot[k][idx] for k, v in e.lived.items()}
        self.snapshot = {k: v.copy() for k, v in e.lived.items()}
        if n == 0:
            return
        respond = rng.random(n) < response_probability(e.satisfaction[idx])
        on_time = np.where(lived["parcels"] > 0, lived["on_time"] / np.maximum(lived["parcels"], 1), np.nan)
        services = np.array([bin(int(b)).count("1") for b in e.services[idx]])
        price_gap = e.price_gap(idx, day)
        perceived = perception_latent(e.satisfaction[idx], price_gap, on_time, lived["failures"], services,
                                      e.lever["care_level"][idx], e.km[idx], lived["recovered"],
                                      lived["unrecovered"], e.w["price"][idx])
        expected = expectation_latent({d: v[idx] for d, v in self.exp.items()})
        k = len(DIMENSIONS)
        acquiescence = rng.normal(0.2, 0.2, (n, 1))  # yes-saying lifts every item of a respondent
        expectation = likert(expected + acquiescence, rng.normal(0, 0.45, (n, k)))
        perception = likert(perceived + acquiescence, rng.normal(0, 0.45, (n, k)))
        skipped = rng.random((n, k)) < 0.02
        expectation[~respond] = np.nan
        perception[~respond] = np.nan
        perception[skipped] = np.nan
        answered = np.minimum(day + np.where(respond, rng.uniform(1, ANSWER_DAYS, n), 0.0), e.days - 0.01)
        log = self.log
        log["customer"].append(np.repeat(idx, k))
        log["wave"].append(np.full(n * k, wave))
        log["time"].append(np.repeat(answered, k))
        log["dimension"].append(np.tile(np.arange(k), n))
        log["expectation"].append(expectation.ravel())
        log["perception"].append(perception.ravel())

    def columns(self) -> dict[str, np.ndarray]:
        return {k: (np.concatenate(v) if v else np.array([], dtype=float)) for k, v in self.log.items()}
