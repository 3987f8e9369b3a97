"""Task 3 exercise set (service promotion): every question three ways, on one student's data.

The reference answers are the questions' own ``solution`` code, run in order
in one namespace holding what the notebook's setup cells define; each must
pass, the untouched placeholder ``...`` must say "not answered", and a
known-wrong answer must fail.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from courier_sim import analysis
from courier_sim.exercises import task3
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENT = "s2025003"
QUESTIONS = [q.id for q in task3.TASK.questions]
pytestmark = pytest.mark.usefixtures("clean_lab")


@pytest.fixture(scope="module")
def ex():
    return task3.bind(STUDENT, quiet=True)


def setup_namespace(ex) -> dict:
    """What the notebook's setup and table cells define."""
    data = ex.data
    return {"ex": ex, "data": data, "np": np, "pd": pd, "analysis": analysis, "task3": task3,
            "customers": data.customers, "shipments": data.shipments, "pitches": data.pitches}


@pytest.fixture(scope="module")
def reference(ex):
    namespace = setup_namespace(ex)
    return run_solutions(task3.TASK, namespace)


def wrong_answers(ex, ref) -> dict:
    pitches = ex.data.pitches
    flipped = pd.Series(ref["q4"].to_numpy()[::-1], index=ref["q4"].index)
    p = pitches.merge(ex.data.customers[task3.CUSTOMER_COLUMNS], on="customer_id")
    return {
        "q1": float(pitches["annoyed"].mean()),                                 # annoyed, not accepted
        "q2": pitches.groupby("service", observed=True)["accepted"].sum(),      # counts, not rates
        "q3": ref["q3"] * 100,                                                   # percentages
        "q4": flipped,                                                           # fit and no fit swapped
        "q5": float(p.loc[task3.offer_fits(p), "annoyed"].mean()),              # the fitting pitches
        "q6": 1 / ref["q6"],                                                     # upside down
        "q7": "A",                                                               # more of the same script
        "q8": "Be quick and sell as much as possible.",
        "q9": "We have boxes.",                                                  # a feature only
        "q10": "Hello, buy insurance.",                                          # too short
    }


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = task3.TASK
    assert task.name == "task3"
    assert 6 <= len(task.questions) <= 10
    assert any(not q.auto_graded for q in task.questions), "one written answer is teacher-graded"
    assert all(q.var and q.solution and q.hints and q.title_zh for q in task.questions)


def test_answers_show_the_lesson_patterns(ex, reference):
    """On this student's data, as in the lesson: tier A accepts more than C, fitting offers win and annoy less."""
    assert reference["q3"]["A"] > reference["q3"]["C"]
    assert reference["q4"][True] > reference["q4"][False]
    assert reference["q5"] > 0.15
    assert reference["q6"] > 1
    assert 0 < reference["q1"] < 0.5


def test_offer_fits_rule():
    p = pd.DataFrame({
        "service": ["insured", "insured", "cod", "cod", "packaging", "express", "same_day", "sms_notify",
                    "waybill_printing", "scheduled_pickup"],
        "customer_type": ["specialty", "individual", "ecommerce", "enterprise", "individual", "cbd", "individual",
                          "individual", "individual", "enterprise"],
        "specialty_market": ["leather", "none", "none", "none", "none", "none", "none", "none", "none", "none"],
        "regular": [True, False, False, True, False, True, False, False, True, True],
        "item_value": [300.0, 1000.0, 50.0, 50.0, 80.0, 60.0, 40.0, 30.0, 30.0, 200.0],
        "fragility": [0.1, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1],
    }, index=range(10, 20))
    fits = task3.offer_fits(p)
    assert fits.index.equals(p.index) and fits.dtype == bool
    assert fits.tolist() == [True, True, True, False, True, True, False, True, False, True]
