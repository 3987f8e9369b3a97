"""Task 4 exercise set (customer retention): every question three ways, on one student's data.

The reference answers are the questions' own ``solution`` code, run in order
in one namespace holding what the notebook's setup cells define; each must
pass, the untouched placeholder ``...`` must say "not answered", and a
known-wrong answer must fail.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from courier_sim import analysis, records
from courier_sim.exercises import task4
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENT = "s2025004"
QUESTIONS = [q.id for q in task4.TASK.questions]
pytestmark = pytest.mark.usefixtures("clean_lab")


@pytest.fixture(scope="module")
def ex():
    return task4.bind(STUDENT, quiet=True)


def setup_namespace(ex) -> dict:
    """What the notebook's setup and table cells define."""
    data = ex.data
    return {"ex": ex, "data": data, "np": np, "pd": pd, "analysis": analysis, "task4": task4,
            "customers": data.customers, "complaints": data.complaints, "surveys": data.surveys,
            "contacts": data.contacts}


@pytest.fixture(scope="module")
def reference(ex):
    namespace = setup_namespace(ex)
    return run_solutions(task4.TASK, namespace)


def _heads_by_year_end_stage(day1) -> pd.Series:
    key = day1[day1["relationship_stage"].notna()]
    return key["churn_date"].notna().groupby(key["relationship_stage"], observed=True).mean()


def wrong_answers(ex, ref) -> dict:
    c, k = ex.data.customers, ex.data.complaints
    day1 = c[c["acquisition_channel"] == "existing"]
    mentioned = ex.data.contacts.loc[ex.data.contacts["mentions_competitor"], "customer_id"]
    low, high = ref["q8"]
    se = (high - low) / (2 * 1.96)
    return {
        "q1": float(c["churn_date"].notna().mean()),                       # the whole market, not day-1 customers
        "q2": ref["q2"] / ref["q2"].sum(),                                 # shares, not counts
        "q3": float(((k["responded"] - k["opened"]).dt.total_seconds() / 3600).mean()),   # mean, not median
        "q4": -ref["q4"],                                                  # expectation minus perception
        "q5": float(day1.loc[~day1["customer_id"].isin(mentioned), "churn_date"].notna().mean()),
        "q6": _heads_by_year_end_stage(day1),                              # the flattering head count
        "q7": -ref["q7"],                                                  # control minus treated
        "q8": (ref["q7"] - se, ref["q7"] + se),                            # forgot the 1.96
        "q9": next(x for x in task4.VERDICT_OPTIONS if x != ref["q9"]),
        "q10": "Give them gifts.",                                         # too short
    }


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = task4.TASK
    assert task.name == "task4"
    assert 6 <= len(task.questions) <= 10
    assert any(not q.auto_graded for q in task.questions), "one written answer is teacher-graded"
    assert all(q.var and q.solution and q.hints and q.title_zh for q in task.questions)


def test_answers_match_the_analysis_helpers(ex, reference):
    effect = analysis.treatment_effect(ex.data.customers)
    assert reference["q7"] == pytest.approx(effect["effect"])
    assert reference["q8"] == pytest.approx((effect["ci_low"], effect["ci_high"]))
    assert reference["q4"].to_dict() == pytest.approx(analysis.satisfaction_gap(ex.data.surveys)["gap"].to_dict())
    assert 0.05 < reference["q1"] < 0.35
    assert reference["q5"] > reference["q1"]          # praising a rival is a warning signal
    assert set(reference["q2"].index) == set(records.CHURN_KINDS)


@pytest.mark.parametrize("answer, words", [
    ((0.01, -0.05), "lower bound"),
    ((0.05, -0.01), "lower bound"),
    ("(-0.05, 0.01)", "two numbers"),
    (0.02, "two numbers"),
    ([0.1, 0.2, 0.3], "two ends"),
    ((float("nan"), 0.1), "NaN"),
    (None, "None"),
])
def test_interval_answers_get_a_friendly_message(ex, answer, words):
    verdict = ex.question("q8").judge(answer)
    assert not verdict.passed
    assert words in verdict.message


def test_interval_in_other_containers(ex, reference):
    low, high = reference["q8"]
    for answer in ([low, high], np.array([low, high]), pd.Series([low, high])):
        assert ex.question("q8").judge(answer).passed
    width = high - low
    verdict = ex.question("q8").judge((low - width, high + width))
    assert "width" in verdict.message


def test_verdict_follows_the_interval(ex, reference):
    low, high = reference["q8"]
    assert reference["q9"] == ("A" if high < 0 else "B" if low > 0 else "C")
