"""Task 1 exercise set (customer analysis): every question three ways, on two students' data.

The reference answers are the questions' own ``solution`` code, run in order in
one namespace with the names the solution notebook's setup cell defines; each
must pass, the untouched placeholder ``...`` must say "not answered", and a
known-wrong answer (a typical mistake) must fail.
"""
from __future__ import annotations

import pandas as pd
import pytest

from courier_sim import analysis
from courier_sim.exercises import task1
from courier_sim.exercises.compare import CORRECT
from courier_sim.records import CAUSES, CUSTOMER_TYPES
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENTS = ["s2025001", "2023117"]
QUESTIONS = [q.id for q in task1.TASK.questions]


@pytest.fixture(scope="module", params=STUDENTS)
def ex(request):
    return task1.bind(request.param, quiet=True)


@pytest.fixture(scope="module")
def reference(ex):
    """The solution code of every question, run top to bottom like the solution notebook."""
    data = ex.data
    namespace = {"ex": ex, "pd": pd, "analysis": analysis, "customers": data.customers,
                 "shipments": data.shipments, "complaints": data.complaints}
    return run_solutions(task1.TASK, namespace)


def _other(options, right):
    return next(o for o in options if o not in ([right] if isinstance(right, str) else list(right)))


def wrong_answers(ex, ref) -> dict:
    c = ex.data.customers
    ours = c[c["joined"].notna()]
    cv = analysis.shipping_regularity(ex.data.shipments)
    types = c.set_index("customer_id")["customer_type"].reindex(cv.index)
    return {
        "q1": float((ours["customer_type"] == "individual").mean()),  # share of customers, not of revenue
        "q2": cv.groupby(types, observed=True).mean(),                 # mean instead of median
        "q3": str(ref["q2"].idxmin()),                                 # the most regular type
        "q4": ref["q4"] * 100,                                         # percentages, not shares
        "q5": _other(CUSTOMER_TYPES, ref["q5"]),
        "q6": 1000 * len(ex.data.complaints) / len(ex.data.shipments),  # every customer, not CBD
        "q7": _other(CAUSES, task1._cbd_top_cause(ex.data)),
        "q8": "E",                                                     # fees: not what the complaints say
        "q9": "A",                                                     # the cheapest offer
        "q10": "Enterprises are big and individuals are small.",
    }


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = task1.TASK
    assert task.name == "task1" and task.title_zh == "快递客户分析"
    assert 6 <= len(task.questions) <= 10
    assert all(q.var and q.solution and q.hints and q.title_zh for q in task.questions)
    kinds = {type(q.kind).__name__ for q in task.questions}
    assert {"Number", "SeriesMatch", "Choice", "Keywords"} <= kinds  # computation and interpretation


def test_expected_answers_never_use_hidden_columns(ex):
    """Every expected answer is computable from the student's view (no value level, weights or expectations)."""
    assert "value_level" not in ex.data.customers.columns
    assert not any(col.startswith(("w_", "exp_")) for col in ex.data.customers.columns)
    answers = task1.TASK.answers(ex.student_id)
    assert set(answers) == set(QUESTIONS)


def test_the_data_tells_the_curriculum_story(ex):
    """The directions the questions rely on hold in a student's small dataset, not just in the lesson's year."""
    cv = task1._median_gap_cv(ex.data)
    assert cv["individual"] > cv["enterprise"]                 # individuals ship irregularly
    assert task1._most_urgent_type(ex.data) == "cbd"           # CBD towers pay for speed
    assert "late" in task1._cbd_top_cause(ex.data)             # ... and complain about lateness
    assert task1._individual_revenue_share(ex.data) < 0.1      # numerous, but small


def test_a_tie_accepts_every_tied_label(ex):
    kind = task1.TiedChoice(options=CAUSES)
    assert kind.judge("Late", ("late", "billing")).status == CORRECT
    assert kind.judge("billing", ("late", "billing")).status == CORRECT
    assert not kind.judge("lost", ("late", "billing")).passed
    assert not kind.judge("nonsense", ("late",)).passed


def test_students_get_different_numbers():
    a, b = (task1.TASK.answers(s) for s in STUDENTS)
    assert a["q1"] != b["q1"] and a["q6"] != b["q6"]
