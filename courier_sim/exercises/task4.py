"""Task 4 exercise set: customer retention (快递客户维护).

The student's dataset is a full year of a 2,000-customer branch that ran the
VIP care plan (关怀计划) experiment: a coin gave about half of the key
accounts the VIP plan (``treatment == "treated"``), the other half is the
control group. Questions follow ``notebooks/04_customer_retention.ipynb``:
the yearly churn rate and its four kinds, complaint response time, the
satisfaction gap per dimension, a warning signal (competitor mentions),
churn by relationship stage, the care plan's effect with its 95 % confidence
interval and what it means, and a retention plan the teacher reads.
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from .. import analysis, records
from .compare import Choice, Custom, Number, SeriesMatch, TeacherGraded
from .questions import Question, Task

SCENARIO = {"preset": "vip_care_plan", "customers": 2000, "prospects": 300, "days": 365}
Z95 = 1.96


# --- expected answers (from the student's own dataset) ---------------------------------
def _day1(data) -> pd.DataFrame:
    c = data.customers
    return c[c["acquisition_channel"] == "existing"]


def _churn_rate(data) -> float:
    return float(_day1(data)["churn_date"].notna().mean())


def _churn_kinds(data) -> pd.Series:
    kinds = _day1(data)["churn_kind"].astype(object).dropna().value_counts()
    return kinds.reindex(list(records.CHURN_KINDS), fill_value=0)


def _median_response(data) -> float:
    k = data.complaints
    return float(((k["responded"] - k["opened"]).dt.total_seconds() / 3600).median())


def _gap_by_dimension(data) -> pd.Series:
    return analysis.satisfaction_gap(data.surveys)["gap"]


def _churn_if_mentioned(data) -> float:
    d = _day1(data)
    mentioned = data.contacts.loc[data.contacts["mentions_competitor"], "customer_id"]
    return float(d.loc[d["customer_id"].isin(mentioned), "churn_date"].notna().mean())


def _churn_by_stage(data) -> pd.Series:
    start = pd.Timestamp(data.scenario.start)
    end = start + pd.Timedelta(days=data.scenario.days)
    return analysis.stage_churn_rates(data.customers, data.stage_changes, start, end)["churn_per_year"]


def _effect(data) -> dict:
    return analysis.treatment_effect(data.customers)


def _care_effect(data) -> float:
    return float(_effect(data)["effect"])


def _care_ci(data) -> tuple[float, float]:
    e = _effect(data)
    return (float(e["ci_low"]), float(e["ci_high"]))


def _care_verdict(data) -> str:
    low, high = _care_ci(data)
    return "A" if high < 0 else ("B" if low > 0 else "C")


def _judge_interval(answer, expected):
    """Two numbers (low, high) in any list-like container, each within 0.001 of the expected bound."""
    if isinstance(answer, (str, bytes, dict)) or isinstance(answer, numbers.Number):
        return False, ("Give the interval as two numbers (两个数), lower bound first, e.g. "
                       "`care_ci = (low, high)`.")
    try:
        values = [float(v) for v in list(np.asarray(answer, dtype=float).ravel())]
    except (TypeError, ValueError):
        return False, "Give the interval as two numbers (两个数), e.g. `care_ci = (low, high)`."
    if len(values) != 2:
        return False, f"An interval has two ends (区间的两端); you gave {len(values)} number(s)."
    if any(math.isnan(v) for v in values):
        return False, "Your interval contains NaN (缺失值): check the calculation."
    low, high = values
    want_low, want_high = expected
    if low > high:
        return False, "The lower bound (下限) comes first: give `(low, high)` with low ≤ high."
    if abs(low - want_low) <= 1e-3 and abs(high - want_high) <= 1e-3:
        return True, "Correct! (回答正确)"
    middle = (low + high) / 2
    if abs(middle - (want_low + want_high) / 2) <= 1e-3:
        return False, "The centre is right but the width (区间宽度) is not: check the standard error and the 1.96."
    return False, "Not the right interval yet: start from the effect (Q7) and its standard error; `hint()` can help."


VERDICT_OPTIONS = ("A", "B", "C")

TASK = Task(
    "task4", "Customer retention", title_zh="快递客户维护",
    scenario=SCENARIO,
    questions=[
        Question(
            "q1", title="Yearly churn rate", title_zh="年度客户流失率", points=1, var="churn_rate",
            text="Among the customers we had on day 1 (`acquisition_channel == 'existing'`), what share (0 to 1) "
                 "left us during the year (客户流失率: `churn_date` is not missing)? The courseware expects "
                 "10 %–30 % a year.",
            expected=_churn_rate, kind=Number(abs=1e-4, share=True),
            hints=("Filter `customers` on `acquisition_channel == 'existing'` first.",
                   "`day1['churn_date'].notna().mean()`"),
            solution="""\
day1 = customers[customers['acquisition_channel'] == 'existing']
churn_rate = day1['churn_date'].notna().mean()""",
        ),
        Question(
            "q2", title="Four kinds of churn", title_zh="四种流失类型", points=1, var="churn_kinds",
            text="How many of those day-1 customers churned of each kind (`churn_kind`: own_reasons, competitor, "
                 "dropped, value_decline)? Give a Series of counts indexed by kind, with all four kinds (a kind "
                 "with no churners counts 0).",
            expected=_churn_kinds, kind=SeriesMatch(rel=0, abs=0.5),
            hints=("`value_counts()` counts each value of a column; customers who stayed have no churn kind.",
                   "`day1['churn_kind'].value_counts()` lists all four kinds, because the column is categorical."),
            solution="churn_kinds = day1['churn_kind'].value_counts()",
        ),
        Question(
            "q3", title="Complaint response time", title_zh="投诉响应时间", points=1, var="median_response_hours",
            text="In `complaints`, the first response to a complaint (投诉) came at `responded`, the "
                 "complaint was opened at `opened`. What is the median time to first response, in hours?",
            expected=_median_response, kind=Number(rel=1e-3, abs=1e-3, unit="hours"),
            hints=("Subtracting two time columns gives durations; `.dt.total_seconds() / 3600` turns them into hours.",
                   "`((complaints['responded'] - complaints['opened']).dt.total_seconds() / 3600).median()`"),
            solution="""\
waits = complaints['responded'] - complaints['opened']
median_response_hours = (waits.dt.total_seconds() / 3600).median()""",
        ),
        Question(
            "q4", title="Satisfaction gap by dimension", title_zh="各维度满意度差距", points=2,
            var="gap_by_dimension",
            text="Satisfaction (客户满意度) is experience against expectation. In `surveys` each answer rates "
                 "one service `dimension` twice on a 1–5 scale: `expectation` and `perception` (missing when the "
                 "customer did not answer). Keep only the answers with **both** filled in, then for each "
                 "dimension give the mean perception minus the mean expectation (the gap, 差距), as a Series "
                 "indexed by dimension.",
            expected=_gap_by_dimension, kind=SeriesMatch(rel=1e-4, abs=1e-4),
            hints=("`surveys.dropna(subset=['expectation', 'perception'])` keeps the rows with both answers.",
                   "`g = pairs.groupby('dimension', observed=True)`, then `g['perception'].mean() - "
                   "g['expectation'].mean()`."),
            solution="""\
pairs = surveys.dropna(subset=['expectation', 'perception'])
g = pairs.groupby('dimension', observed=True)
gap_by_dimension = g['perception'].mean() - g['expectation'].mean()""",
        ),
        Question(
            "q5", title="A warning signal: praising a competitor", title_zh="流失预警:称赞竞争对手", points=1,
            var="churn_if_mentioned",
            text="Account managers' notes (`contacts`) have `mentions_competitor` True when the customer "
                 "praised a rival. Among the day-1 customers with at least one such note, what share churned? "
                 "(Compare it in your head with Q1.)",
            expected=_churn_if_mentioned, kind=Number(abs=1e-4, share=True),
            hints=("The ids: `contacts.loc[contacts['mentions_competitor'], 'customer_id']`.",
                   "Keep the day-1 customers (`day1` from Q1) whose id `.isin(...)` those ids, then the mean of "
                   "`churn_date.notna()`."),
            solution="""\
mentioned = contacts.loc[contacts['mentions_competitor'], 'customer_id']
churn_if_mentioned = day1.loc[day1['customer_id'].isin(mentioned), 'churn_date'].notna().mean()""",
        ),
        Question(
            "q6", title="Churn by relationship stage", title_zh="各关系阶段的流失率", points=2, var="churn_by_stage",
            text="Counting heads by `relationship_stage` (the stage at the end of the year) flatters the later "
                 "stages: accounts that stay get promoted, leavers keep the stage they left in. Measure instead the "
                 "churn per account-year (每客户年流失率) in each stage with `analysis.stage_churn_rates(customers, "
                 "data.stage_changes, start, end)`, where `start` is the first day of your data "
                 "(`data.scenario.start`) and `end` is `data.scenario.days` days later. Give its `churn_per_year` "
                 "column: a Series indexed by stage.",
            expected=_churn_by_stage, kind=SeriesMatch(abs=1e-4),
            hints=("`start = pd.Timestamp(data.scenario.start)` and "
                   "`end = start + pd.Timedelta(days=data.scenario.days)`.",
                   "`analysis.stage_churn_rates(customers, data.stage_changes, start, end)` returns a table; "
                   "take its `['churn_per_year']` column."),
            solution="""\
start = pd.Timestamp(data.scenario.start)
end = start + pd.Timedelta(days=data.scenario.days)
churn_by_stage = analysis.stage_churn_rates(customers, data.stage_changes, start, end)['churn_per_year']""",
        ),
        Question(
            "q7", title="The care plan's effect", title_zh="关怀计划的处理效应", points=2, var="care_effect",
            text="A coin decided which key accounts got the VIP care plan (`treatment == 'treated'`) and which kept "
                 "the standard service (`'control'`). Give the plan's effect on churn: the churn rate of the "
                 "treated group minus the churn rate of the control group (a negative number means less churn).",
            expected=_care_effect, kind=Number(abs=1e-4),
            hints=("Churned means `churn_date.notna()`; compute its mean separately for the two groups.",
                   "`arms = customers[customers['treatment'].isin(['treated', 'control'])]`; "
                   "`p1 = arms.loc[arms['treatment'] == 'treated', 'churn_date'].notna().mean()`, the same for "
                   "control, then `p1 - p0`."),
            solution="""\
arms = customers[customers['treatment'].isin(['treated', 'control'])]
churned = arms['churn_date'].notna()
p1, n1 = churned[arms['treatment'] == 'treated'].mean(), (arms['treatment'] == 'treated').sum()
p0, n0 = churned[arms['treatment'] == 'control'].mean(), (arms['treatment'] == 'control').sum()
care_effect = p1 - p0""",
        ),
        Question(
            "q8", title="Its 95 % confidence interval", title_zh="95%置信区间", points=2, var="care_ci",
            text="The effect is measured on a few hundred accounts, so it is uncertain. Give its 95 % confidence "
                 "interval (置信区间) as two numbers `(low, high)`: effect ± 1.96 × standard error, where the "
                 "standard error is √(p₁(1−p₁)/n₁ + p₀(1−p₀)/n₀) with p the churn rate and n the size of the "
                 "treated (1) and control (0) groups.",
            expected=_care_ci, kind=Custom(_judge_interval),
            hints=("You have p1, n1, p0, n0 from Q7 (or compute them now).",
                   "`se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)`, then "
                   "`care_ci = (care_effect - 1.96 * se, care_effect + 1.96 * se)`."),
            solution="""\
se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
care_ci = (care_effect - 1.96 * se, care_effect + 1.96 * se)""",
        ),
        Question(
            "q9", title="What does the experiment say?", title_zh="实验结论", points=1, var="care_verdict",
            text="Read your interval from Q8. Which conclusion does your data support? Answer with one letter.\n\n"
                 "- **A** The care plan lowers churn: the whole 95 % interval is below zero.\n"
                 "- **B** The care plan raises churn: the whole 95 % interval is above zero.\n"
                 "- **C** We cannot tell yet: the interval includes zero, so the effect could be nothing.",
            expected=_care_verdict, kind=Choice(options=VERDICT_OPTIONS),
            hints=("Look at the signs of the two ends of your interval.",),
            solution="""\
low, high = care_ci
care_verdict = "A" if high < 0 else ("B" if low > 0 else "C")""",
        ),
        Question(
            "q10", title="Your retention plan", title_zh="客户维护方案", points=3, var="retention_plan",
            text="Write a short retention plan (客户维护方案) for the branch's key accounts for next year: which "
                 "warning signals (预警信号) you would watch and how often, how you would handle complaints (the "
                 "four steps and a response-time target, using Q3), what you would do for accounts in the "
                 "initial-cooperation stage (Q6), and whether you would keep the VIP care plan (Q7–Q9) — with "
                 "your numbers.",
            kind=TeacherGraded(min_chars=200),
            hints=("Falling volume, more complaints and praise for a competitor come before churn.",
                   "A plan that quotes its own numbers (and their uncertainty) is more convincing."),
            solution="""\
retention_plan = (
    "Warning signals: every month I list key accounts whose last 8 weeks of volume fell below 70 % of "
    "their usual level, who complained twice, or who praised a competitor (they churned at ... % against "
    "... % overall). Complaints: analyse the cause, resolve within ... hours (the median now is ... h), "
    "record it and call back within a week. Initial-cooperation accounts churn most (... %), so each gets "
    "a named account manager and a check-in call after its first month. The VIP plan changed churn by "
    "... points (95 % CI ... to ...): I would keep it for ... and measure again next year."
)""",
        ),
    ],
)

bind = TASK.bind
