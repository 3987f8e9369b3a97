"""What every exercise question must do, tested the same way in each set's test module.

Design.md's three ways, plus strict mode: the question's own solution code
passes; the untouched placeholder ``...`` says "not answered yet (未完成)";
a known-wrong answer (a typical mistake) fails; and with
``COURIER_LAB_STRICT=1`` the wrong answer raises while the right one does not.

A set's test module imports the ``test_*`` functions below (pytest collects
them there) and defines the fixtures they use: ``ex`` (the set bound to a
student), ``reference`` (usually ``run_solutions``), ``wrong`` (one wrong
answer per question) and ``qid`` (``question_ids`` as its params).
"""
from __future__ import annotations

import pytest

from courier_sim.exercises.compare import CORRECT, SUBMITTED, UNANSWERED


def question_ids(task) -> list[str]:
    return [q.id for q in task.questions]


def run_solutions(task, namespace: dict) -> dict:
    """Each question's solution code, run in order in one namespace as the solution notebook runs it."""
    for q in task.questions:
        exec(q.solution, namespace)  # noqa: S102 - our own reference code
    return {q.id: namespace[q.var] for q in task.questions}


def test_reference_passes(ex, reference, qid):
    verdict = ex.question(qid).judge(reference[qid])
    expected = CORRECT if ex.question(qid).q.auto_graded else SUBMITTED
    assert verdict.status == expected, verdict.message


def test_placeholder_is_not_answered(ex, qid):
    verdict = ex.question(qid).judge(...)
    assert verdict.status == UNANSWERED
    assert "未完成" in verdict.message


def test_wrong_answer_fails(ex, wrong, qid):
    verdict = ex.question(qid).judge(wrong[qid])
    assert not verdict.passed, f"{qid} accepted a wrong answer: {verdict.message}"


def test_strict_mode_raises_on_a_wrong_answer_only(ex, reference, wrong, qid, monkeypatch):
    monkeypatch.setenv("COURIER_LAB_STRICT", "1")
    ex.question(qid).check(reference[qid], quiet=True)  # passes: no exception
    with pytest.raises(AssertionError):
        ex.question(qid).check(wrong[qid], quiet=True)
