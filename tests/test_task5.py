"""Task 5 exercise set (customer tiering): every question three ways, on two students' data.

The reference answers are the questions' own ``solution`` code, run in order in
one namespace with the names the solution notebook's setup cell defines; each
must pass, the untouched placeholder ``...`` must say "not answered", and a
known-wrong answer (a typical mistake) must fail.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from courier_sim import analysis
from courier_sim.exercises import task5
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENTS = ["s2025001", "2023117"]
QUESTIONS = [q.id for q in task5.TASK.questions]


@pytest.fixture(scope="module", params=STUDENTS)
def ex(request):
    return task5.bind(request.param, quiet=True)


def setup_namespace(ex) -> dict:
    """What the solution notebook's setup cell defines."""
    data = ex.data
    start = pd.Timestamp(data.scenario.start)
    return {"ex": ex, "pd": pd, "analysis": analysis, "customers": data.customers, "shipments": data.shipments,
            "complaints": data.complaints, "retention_actions": data.retention_actions, "contacts": data.contacts,
            "start": start, "end": start + pd.Timedelta(days=data.scenario.days)}


@pytest.fixture(scope="module")
def reference(ex):
    """The solution code of every question, run top to bottom like the solution notebook."""
    namespace = setup_namespace(ex)
    return run_solutions(task5.TASK, namespace)


def _first_different(options, right):
    return next(o for o in options if o != right)


def wrong_answers(ex, ref) -> dict:
    ns = setup_namespace(ex)
    s, c, end = ns["shipments"], ns["customers"], ns["end"]
    money_no_retention = analysis.profitability(s)                     # forgot the retention spending
    negative_wrong = float((money_no_retention["profit"] < 0).mean())
    if abs(negative_wrong - ref["q3"]) <= 1e-3:                        # a branch may have spent little: fall back
        negative_wrong = float((money_no_retention["profit"] <= 0).mean()) + 0.05
    profit = analysis.profitability(s, ns["retention_actions"])["profit"]
    signals = analysis.warning_signals(s, ns["complaints"], c, as_of=end, contacts=ns["contacts"])
    states_30 = analysis.lifecycle_states(s, c, as_of=end, dormant_days=30).value_counts()
    stay = ref["q7"]
    return {
        "q1": analysis.top_share(analysis.customer_revenue(s), 0.1),       # top 10 % instead of 20 %
        "q2": pd.Series({"A": ref["q2"]["A"] + 1, "B": ref["q2"]["B"] - 1, "C": ref["q2"]["C"]}),
        "q3": negative_wrong,
        "q4": states_30,                                                   # dormant after 30 days, not 60
        "q5": _first_different(task5.RFM_SEGMENTS, ref["q5"]),
        "q6": float(profit.max() * (1 + 0.9 + 0.81)),                      # not discounted
        "q7": stay + 0.05 if stay < 0.9 else stay - 0.05,
        "q8": sorted(signals.index[signals["at_risk"]].tolist()),          # every at-risk customer, any tier
        "q9": "D",                                                         # a price cut for everyone (普惠制)
        "q10": "Because they are customers.",
    }


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = task5.TASK
    assert task.name == "task5" and task.title_zh == "快递客户分层管理"
    assert 6 <= len(task.questions) <= 10
    assert task.scenario["days"] == 365, "a full year: behaviour tiers and a first/second half comparison"
    assert all(q.var and q.solution and q.hints and q.title_zh for q in task.questions)
    kinds = {type(q.kind).__name__ for q in task.questions}
    assert {"Number", "SeriesMatch", "Choice", "IdSet", "Keywords"} <= kinds


def test_percentages_get_a_tip(ex, reference):
    verdict = ex.q3.judge(reference["q3"] * 100)
    assert not verdict.passed and "比例" in verdict.message


def test_the_data_tells_the_curriculum_story(ex, reference):
    """Pareto and negative profit hold in a student's small branch, not just in the lesson's year."""
    assert reference["q1"] > 0.6                                  # a minority brings most revenue
    assert 0.1 < reference["q3"] < 0.7                            # many customers lose money
    profit = analysis.profitability(ex.data.shipments, ex.data.retention_actions)["profit"]
    assert analysis.top_share(profit, 0.2) > 1.0                  # the top fifth earns more than the branch keeps
    assert reference["q4"]["active"] > reference["q4"]["dormant"]
    assert 0 < reference["q7"] < 1                                # tiers drift, but not completely
    assert len(reference["q8"]) > 0                               # there is someone to call


def test_clv_matches_the_analysis_helper(ex, reference):
    profit = analysis.profitability(ex.data.shipments, ex.data.retention_actions)["profit"]
    helper = analysis.clv(profit, 0.9, years=3, discount_rate=0.1)
    assert reference["q6"] == pytest.approx(helper.max())
    assert reference["q6"] == pytest.approx(profit.max() * (1 + 0.9 / 1.1 + 0.81 / 1.21))
    assert not math.isnan(reference["q6"])


def test_students_get_different_numbers():
    a, b = (task5.TASK.answers(s) for s in STUDENTS)
    assert a["q1"] != b["q1"] and a["q6"] != b["q6"]
