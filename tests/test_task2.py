"""Task 2 exercise set (customer development): every question three ways, on one student's data.

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
from courier_sim.exercises import task2
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENT = "s2025002"
QUESTIONS = [q.id for q in task2.TASK.questions]
pytestmark = pytest.mark.usefixtures("clean_lab")


@pytest.fixture(scope="module")
def ex():
    return task2.bind(STUDENT, quiet=True)


def setup_namespace(ex) -> dict:
    """What the notebook's setup and table cells define."""
    data = ex.data
    return {"ex": ex, "data": data, "np": np, "pd": pd, "analysis": analysis, "task2": task2,
            "customers": data.customers, "sales": data.sales}


@pytest.fixture(scope="module")
def reference(ex):
    namespace = setup_namespace(ex)
    return run_solutions(task2.TASK, namespace)


def wrong_answers(ex, ref) -> dict:
    sales, customers = ex.data.sales, ex.data.customers
    won = sales["result"] == "won"
    by = sales.assign(won=won).groupby("method", observed=True).agg(cost=("cost", "sum"), won=("won", "sum"))
    by = by[by["won"] >= task2.MIN_WON]
    market = customers[customers["acquisition_channel"] != "existing"]
    return {
        "q1": won.groupby(sales["method"], observed=True).sum(),            # counts, not rates
        "q2": sales.loc[won, "cost"].sum() / won.sum(),                     # forgot what lost leads cost
        "q3": (by["cost"] / by["won"]).idxmax(),                            # the most expensive instead
        "q4": len(market),                                                  # ignored need and credit
        "q5": float(won[sales["result"] != "open"].mean()),                 # every closed lead
        "q6": next(r for r in records.LOST_REASONS if r != ref["q6"]),
        "q7": 1 / ref["q7"],                                                # upside down
        "q8": "C",                                                          # a discount is not a close
        "q9": "It is a big company that ships a lot.",
        "q10": "Door to door.",                                             # too short to be a plan
    }


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = task2.TASK
    assert task.name == "task2"
    assert 6 <= len(task.questions) <= 10
    assert any(not q.auto_graded for q in task.questions), "one written answer is teacher-graded"
    assert all(q.var and q.solution and q.hints and q.title_zh for q in task.questions)


def test_answers_match_the_analysis_helpers(ex, reference):
    """The hand-made pandas answers agree with the lesson's helpers."""
    funnel = analysis.funnel(ex.data.sales, by="method")
    assert np.allclose(reference["q1"].reindex(funnel.index), funnel["conversion"])
    assert reference["q2"] == pytest.approx(analysis.cost_per_won(ex.data.sales))
    assert 0 <= reference["q5"] <= 1 and reference["q5"] > float((ex.data.sales["result"] == "won").mean())
    assert reference["q7"] > 1  # a new customer costs more than keeping one


def test_dataset_has_every_method(ex):
    assert set(ex.data.sales["method"].astype(str)) == set(records.METHODS)
    assert len(ex.data.sales) > 300
