"""The capstone exercise set: every question three ways, on one student's branch.

The reference answers are the questions' own ``solution`` code, run in order
in one namespace as a solution notebook would run them; each must pass, the
untouched placeholder ``...`` must say "not answered", and a known-wrong
answer must fail (and raise in strict mode).
"""
from __future__ import annotations

import pandas as pd
import pytest

from courier_sim import budget
from courier_sim.exercises import capstone
from exercise_contract import (  # noqa: F401 - the shared question tests, collected in this module
    run_solutions, test_placeholder_is_not_answered, test_reference_passes,
    test_strict_mode_raises_on_a_wrong_answer_only, test_wrong_answer_fails)

STUDENT = "s2025001"


@pytest.fixture(scope="module")
def ex():
    return capstone.bind(STUDENT, quiet=True)


@pytest.fixture(scope="module")
def reference(ex):
    """The solution code of every question, run top to bottom like the solution notebook."""
    namespace = {"ex": ex, "capstone": capstone, "budget": budget, "pd": pd}
    return run_solutions(capstone.TASK, namespace)


def wrong_answers(ex, ref) -> dict:
    c = ex.data.customers
    others = [k for k in capstone.POLICIES if k != ref["q6"]]
    return {
        "q1": ref["q1"] + 1,
        "q2": ref["q1"] * 25 * 12 + 3 * 8_000,                   # forgot that only 80 % are treated
        "q3": list(capstone.POLICIES),                           # every policy, including the one over budget
        "q4": float(c["churn_date"].notna().mean()),             # all customers, not key accounts
        "q5": -ref["q5"],                                        # normal year minus policy
        "q6": others[0],
        "q7": [k for k in capstone.POLICIES if k != ref["q7"]][0],
        "q8": "Policy A.",                                       # too short to defend anything
    }


QUESTIONS = [q.id for q in capstone.TASK.questions]


@pytest.fixture(params=QUESTIONS)
def qid(request):
    return request.param


@pytest.fixture(scope="module")
def wrong(ex, reference):
    return wrong_answers(ex, reference)


def test_task_shape():
    task = capstone.TASK
    assert task.name == "capstone"
    assert 6 <= len(task.questions) <= 10
    assert any(not q.auto_graded for q in task.questions), "the written defence is teacher-graded"
    assert all(q.var and q.solution and q.hints for q in task.questions)


def test_hand_calculation_matches_the_budget(ex, reference):
    """Q2's price-list arithmetic is exactly what ``budget.policy_cost`` plans."""
    assert reference["q2"] == pytest.approx(0.8 * reference["q1"] * 25 * 12 + 24_000)
    assert reference["q2"] == pytest.approx(budget.policy_cost(capstone.policy_scenario(ex.data, "A")))


def test_candidates_make_a_real_choice(ex, reference):
    """Policy B is over the budget; the others fit, so Q6 and Q7 compare three policies."""
    assert reference["q3"] == ["A", "C", "D"]
    assert reference["q6"] in reference["q3"] and reference["q7"] in reference["q3"]


def test_evidence_of_the_normal_year(ex):
    e = capstone.evidence(ex.data)
    assert e["net_profit"] == pytest.approx(e["profit"])  # the normal year has no unbooked costs
    assert 0 < e["key_account_churn_rate"] < 0.5


def test_expected_answers_never_use_hidden_columns(ex):
    """Every expected answer is computable from the student's view (no value level, weights or expectations)."""
    assert "value_level" not in ex.data.customers.columns
    assert not any(col.startswith(("w_", "exp_")) for col in ex.data.customers.columns)
    answers = capstone.TASK.answers(ex.student_id)  # computed from the checker's view of the same data
    assert set(answers) == set(QUESTIONS)


def test_students_get_different_numbers(ex):
    other = capstone.bind("s2025002", quiet=True)
    assert other.seed != ex.seed
    assert capstone._key_accounts(other.data) != capstone._key_accounts(ex.data)
    assert capstone._baseline_churn(other.data) != capstone._baseline_churn(ex.data)


def test_policy_runs_are_cached(ex):
    scenario = capstone.policy_scenario(ex.data, "A")
    first = capstone.run_policy(scenario)
    hits = capstone._run.cache_info().hits
    assert capstone.run_policy(scenario) == first
    assert capstone._run.cache_info().hits == hits + 1
