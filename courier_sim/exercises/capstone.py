"""Capstone exercise set (综合实训): price a branch policy, check the budget, measure it, choose, defend.

The student's dataset is a normal year of the full branch (about 2,000
customers, one year) drawn from the student's seed. Policies are simulated
on the same seed with ``run_policy`` (cached in the process, so the student's
runs and the checker's runs are the same runs): the normal year and four
candidate policies cost about five one-second runs in all.

Helpers for the notebook: ``POLICIES`` (the four candidates), ``evidence``
(the KPIs a defence quotes, from any run), ``run_policy`` (simulate a
scenario and return its evidence), ``policy_scenario`` (a candidate on the
student's branch). Costs and the budget come from ``courier_sim.budget``.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd

from .. import budget
from ..kpis import kpis
from .compare import Choice, IdSet, Number, SeriesMatch, TeacherGraded
from .questions import Question, Task

# The normal year of the full branch: the budget's price list is set for this size.
SCENARIO = {"preset": "baseline", "customers": 2000, "prospects": 1500, "days": 365}

# Four candidate policies (经营方案) the branch's managers put forward.
POLICIES: dict[str, dict] = {
    "A": {"care_plan": "care", "target_tier": "key_accounts", "treated_share": 0.8, "peak_extra_capacity": 0.3},
    "B": {"service_staff": 6, "response_target_hours": 8.0, "compensation_policy": "generous",
          "peak_extra_capacity": 0.6},
    "C": {"sales_reps": 5, "sales_method": "door_to_door", "service_staff": 4, "peak_extra_capacity": 0.3},
    "D": {"care_plan": "vip", "target_tier": "high", "treated_share": 0.5, "service_staff": 4},
}
POLICY_NOTES = {
    "A": "Care plan (关怀计划) for a random 80 % of key accounts, and 30 % extra capacity for Double 11.",
    "B": "Service first: six complaint handlers, an 8-hour response target and generous compensation for "
         "everyone, and 60 % extra capacity for Double 11.",
    "C": "Growth: five salespeople canvassing door to door (逐户寻访), one more complaint handler, and 30 % "
         "extra capacity for Double 11.",
    "D": "VIP service (VIP服务) for a random half of the high-value customers, and one more complaint handler.",
}
DELTA_KPIS = ("on_time_rate", "complaints_per_1000", "key_account_churn_rate", "net_profit")


# --- helpers the notebook uses too -----------------------------------------------------
def key_accounts(customers: pd.DataFrame) -> pd.DataFrame:
    """Day-1 customers that are key accounts (大客户): existing, with a relationship stage."""
    existing = customers["acquisition_channel"] == "existing"
    return customers[existing & customers["relationship_stage"].notna()]


def evidence(result) -> dict:
    """The numbers a defence quotes, from one run (a student's dataset works too).

    The headline KPIs (``courier_sim.kpis``), the key-account churn rate
    (share of day-1 key accounts that churned) and the net profit after the
    policy (``courier_sim.budget.net_profit``).
    """
    out = dict(kpis(result))
    ka = key_accounts(result.customers)
    out["key_account_churn_rate"] = float(ka["churn_date"].notna().mean()) if len(ka) else math.nan
    out["net_profit"] = budget.net_profit(result)
    return out


@lru_cache(maxsize=16)
def _run(scenario) -> tuple:
    from ..result import simulate
    return tuple(evidence(simulate(scenario)).items())


def run_policy(scenario) -> dict:
    """Simulate ``scenario`` and return its evidence (cached: the same scenario runs once per kernel)."""
    return dict(_run(scenario))


def policy_scenario(data, letter: str):
    """Candidate policy ``letter`` on the student's own branch (the dataset's scenario and seed)."""
    return data.scenario.replace(**POLICIES[letter])


# --- expected answers ------------------------------------------------------------------
def _key_accounts(data) -> int:
    return int(len(key_accounts(data.customers)))


def _cost_a(data) -> float:
    return budget.policy_cost(policy_scenario(data, "A"))


def _fits(data) -> list[str]:
    return [k for k in POLICIES if budget.within_budget(policy_scenario(data, k))]


def _baseline_churn(data) -> float:
    return evidence(data)["key_account_churn_rate"]


def _deltas_a(data) -> pd.Series:
    base, pol = evidence(data), run_policy(policy_scenario(data, "A"))
    return pd.Series({k: pol[k] - base[k] for k in DELTA_KPIS})


def _best_profit(data) -> str:
    fits = _fits(data)
    return max(fits, key=lambda k: run_policy(policy_scenario(data, k))["net_profit"])


def _best_churn(data) -> str:
    fits = _fits(data)
    return min(fits, key=lambda k: run_policy(policy_scenario(data, k))["key_account_churn_rate"])


TASK = Task(
    "capstone", "Capstone: a year's policy for the branch", title_zh="综合实训:网点年度经营方案",
    scenario=SCENARIO,
    questions=[
        Question(
            "q1", title="Key accounts on day 1", title_zh="期初大客户数", points=1, var="n_key_accounts",
            text="How many key accounts (大客户) did the branch have on day 1? Key accounts are the customers "
                 "with `acquisition_channel == 'existing'` whose `relationship_stage` is not missing.",
            expected=_key_accounts, kind=Number(rel=0, abs=0.5),
            hints=("Filter `ex.data.customers` on both conditions, then count the rows with `len(...)`.",
                   "`c[(c['acquisition_channel'] == 'existing') & c['relationship_stage'].notna()]`"),
            solution="""\
c = ex.data.customers
n_key_accounts = len(c[(c['acquisition_channel'] == 'existing') & c['relationship_stage'].notna()])""",
        ),
        Question(
            "q2", title="Planned cost of policy A", title_zh="方案A的计划成本", points=2, var="cost_a",
            text="Using the price list (价目表), work out by hand the planned extra cost (yuan) of policy A: "
                 "a care plan at 25 yuan a month for a random 80 % of the key accounts, for 12 months, plus "
                 "30 % extra Double 11 capacity at 8,000 yuan per 10 %.",
            expected=_cost_a, kind=Number(rel=1e-6, abs=0.5, unit="yuan"),
            hints=("Care plan: treated customers × 25 yuan × 12 months, where treated = 0.8 × key accounts (Q1).",
                   "Capacity: 0.3 is three steps of 10 %, each 8,000 yuan. Add the two amounts.",
                   "You can confirm your number with `budget.policy_cost(capstone.policy_scenario(ex.data, 'A'))`, "
                   "but write the calculation yourself."),
            solution="cost_a = 0.8 * n_key_accounts * 25 * 12 + 3 * 8_000",
        ),
        Question(
            "q3", title="Policies within the budget", title_zh="预算内的方案", points=1, var="within_budget",
            text="Which of the four policies A, B, C, D fit the extra budget of 250,000 yuan? Give a list of "
                 "letters, e.g. `['A', 'C']`.",
            expected=_fits, kind=IdSet(what="policies"),
            hints=("`budget.policy_cost(capstone.policy_scenario(ex.data, letter))` prices one policy on your branch.",
                   "Keep the letters whose cost is at most `budget.BUDGET` (or use `budget.within_budget`)."),
            solution="""\
within_budget = [k for k in capstone.POLICIES
                 if budget.within_budget(capstone.policy_scenario(ex.data, k))]""",
        ),
        Question(
            "q4", title="Key-account churn in the normal year", title_zh="常规年度大客户流失率", points=1,
            var="baseline_ka_churn",
            text="In your normal year, what share (比例, 0 to 1) of the day-1 key accounts churned (have a "
                 "`churn_date`)?",
            expected=_baseline_churn, kind=Number(abs=1e-4, share=True),
            hints=("Start from the key accounts of Q1.",
                   "`churn_date.notna()` is True for a churned customer; the mean of True/False is a share."),
            solution="""\
ka = c[(c['acquisition_channel'] == 'existing') & c['relationship_stage'].notna()]
baseline_ka_churn = ka['churn_date'].notna().mean()""",
        ),
        Question(
            "q5", title="Policy A against the normal year", title_zh="方案A与常规年度对比", points=2,
            var="deltas_a",
            text="Simulate policy A on your branch and give its change against your normal year (policy minus "
                 "normal year) in four KPIs, as a Series indexed by `on_time_rate`, `complaints_per_1000`, "
                 "`key_account_churn_rate` and `net_profit`.",
            expected=_deltas_a, kind=SeriesMatch(rel=1e-4, abs=1e-6),
            hints=("`capstone.run_policy(capstone.policy_scenario(ex.data, 'A'))` simulates policy A and returns "
                   "a dict of its evidence; `capstone.evidence(ex.data)` gives the same numbers for your normal year.",
                   "Build the Series with `pd.Series({k: policy[k] - normal[k] for k in capstone.DELTA_KPIS})`."),
            solution="""\
normal = capstone.evidence(ex.data)
policy_a = capstone.run_policy(capstone.policy_scenario(ex.data, 'A'))
deltas_a = pd.Series({k: policy_a[k] - normal[k] for k in capstone.DELTA_KPIS})""",
        ),
        Question(
            "q6", title="Best policy for net profit", title_zh="政策后利润最高的方案", points=2, var="best_profit",
            text="Among the policies that fit the budget (Q3), which earns the highest net profit after the "
                 "policy (政策后利润)? Give its letter.",
            expected=_best_profit, kind=Choice(options=tuple(POLICIES)),
            hints=("Run each policy from Q3 with `capstone.run_policy(...)` and compare their `net_profit`.",
                   "`max(within_budget, key=lambda k: results[k]['net_profit'])`"),
            solution="""\
results = {k: capstone.run_policy(capstone.policy_scenario(ex.data, k)) for k in within_budget}
best_profit = max(within_budget, key=lambda k: results[k]['net_profit'])""",
        ),
        Question(
            "q7", title="Best policy for key-account churn", title_zh="大客户流失率最低的方案", points=1,
            var="best_churn",
            text="Among the same policies, which has the lowest key-account churn rate (大客户流失率)? Give its letter.",
            expected=_best_churn, kind=Choice(options=tuple(POLICIES)),
            hints=("Use the results you ran for Q6, with `key_account_churn_rate` instead of `net_profit`.",),
            solution="best_churn = min(within_budget, key=lambda k: results[k]['key_account_churn_rate'])",
        ),
        Question(
            "q8", title="Your defence", title_zh="方案答辩", points=4, var="defence",
            text="Which policy would you recommend to head office, and why? Write a short defence in four parts: "
                 "**objective (目标)**, **levers chosen (所选措施)** and why, **evidence (证据)** — quote your "
                 "numbers from Q5–Q7, including what got worse — and **risks (风险)** with what you would monitor. "
                 "If the best policy for profit and for churn differ, say which you chose and why.",
            kind=TeacherGraded(min_chars=200),
            hints=("Start from the objective: is it profit this year, fewer lost key accounts, or both?",
                   "A strong defence admits the trade-off and names a number that would make you change course."),
            solution="""\
defence = (
    "Objective: keep key accounts (they bring most of the revenue) without spending beyond the budget. "
    "Levers: ... Evidence: policy ... changes key-account churn by ... points and net profit by ... yuan "
    "against my normal year; complaints per 1,000 parcels ... Risks: one simulated year is one draw of luck; "
    "the care plan costs money every month; I would watch key-account churn each quarter and stop the plan "
    "if it has not fallen after two quarters."
)""",
        ),
    ],
)

bind = TASK.bind
