"""The exercise framework: seeds, checks that never raise, hints, locked solutions,
the solutions -> exercises build, class datasets and the CLI entry points.

Grading (which starts kernels) is in ``test_grading.py``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
from datetime import date, timedelta
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from courier_sim.exercises import (Choice, Custom, FrameMatch, IdSet, Keywords, Number, Question,
                                   SeriesMatch, Task, TeacherGraded, UnknownTask, available_tasks,
                                   build, commands, config, datasets, demo, get_task, results, seeds)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "exercises" / "demo_solution.ipynb"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
pytestmark = pytest.mark.usefixtures("clean_lab")


@pytest.fixture(scope="module")
def ex():
    return demo.bind("t-student", quiet=True)


def reference(ex, qid):
    """Run the question's stored solution in a namespace holding ``ex``: the reference answer."""
    q = ex.question(qid).q
    ns = {"ex": ex}
    exec(q.solution, ns)
    return ns[q.var]


def verdict_of(bound, answer):
    bound.check(answer, quiet=True)
    return results.RESULTS[(bound.exercise.task.name, bound.id)]


# --- seeds ------------------------------------------------------------------------
def test_seed_is_a_documented_sha256_of_salt_task_and_id():
    text = "courier-lab|task1|s001"
    want = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % 2**31
    assert seeds.student_seed("s001", "task1") == want
    assert seeds.student_seed("  S001 ", "task1") == want  # spaces and case do not matter


def test_seeds_differ_by_student_task_and_salt(monkeypatch):
    a = seeds.student_seed("s001", "task1")
    assert a != seeds.student_seed("s002", "task1")
    assert a != seeds.student_seed("s001", "task2")
    monkeypatch.setenv("COURIER_LAB_SALT", "2026-spring")
    assert a != seeds.student_seed("s001", "task1")
    assert all(0 <= seeds.student_seed(f"s{i}", "demo") < 2**31 for i in range(50))


def test_each_student_gets_their_own_data_and_same_id_same_data():
    a, b, a2 = demo.bind("s001", quiet=True), demo.bind("s002", quiet=True), demo.bind("S001", quiet=True)
    assert a.seed != b.seed and a.seed == a2.seed
    assert a.q1._expected_answer() != b.q1._expected_answer()
    assert a.q1._expected_answer() == a2.q1._expected_answer()
    pd.testing.assert_frame_equal(a.data.shipments, a2.data.shipments)


def test_a_copied_answer_fails_on_another_students_data():
    a, b = demo.bind("s001", quiet=True), demo.bind("s002", quiet=True)
    assert verdict_of(b.q1, a.q1._expected_answer()).status == "wrong"
    assert verdict_of(a.q1, a.q1._expected_answer()).status == "correct"


def test_latent_columns_are_hidden_from_students(ex):
    for col in ("value_level", "satisfaction", "w_price", "exp_speed"):
        assert col not in ex.data.customers.columns
    assert {"customer_id", "customer_type", "churn_date"} <= set(ex.data.customers.columns)


def test_changing_the_data_does_not_move_the_expected_answer():
    mine = demo.bind("mutator", quiet=True)
    want = mine.q1._expected_answer()
    mine.data.shipments["price"] = 0.0
    mine.data.tables["shipments"] = mine.data.shipments.iloc[100:]
    fresh = demo.bind("mutator", quiet=True)
    assert fresh.q1._expected_answer() == want
    assert fresh.data.shipments["price"].sum() == pytest.approx(want)


def test_placeholder_student_id_runs_on_demo_data(capsys):
    b = demo.bind("...")
    out = capsys.readouterr().out
    assert b.student_id == "demo" and b.placeholder_id
    assert "学号" in out and "demo" in out


# --- the three ways, per demo question ------------------------------------------------
WRONG = {
    "q1": lambda ex, ref: ref + 100.0,
    "q2": lambda ex, ref: 0.5 if abs(ref - 0.5) > 0.05 else 0.9,
    "q3": lambda ex, ref: ref + 0.1,
}


@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
def test_reference_answer_passes(ex, qid, capsys):
    ex.question(qid).check(reference(ex, qid))
    out = capsys.readouterr().out
    assert out.startswith("✅") and "Correct" in out
    assert results.RESULTS[("demo", qid)].status == "correct"


@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
def test_untouched_placeholder_is_not_answered(ex, qid, capsys):
    ex.question(qid).check(...)
    out = capsys.readouterr().out
    assert "未完成" in out and "Not answered" in out
    assert results.RESULTS[("demo", qid)].status == "unanswered"


@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
def test_known_wrong_answer_fails(ex, qid, capsys):
    ex.question(qid).check(WRONG[qid](ex, reference(ex, qid)))
    out = capsys.readouterr().out
    assert out.startswith("❌")
    assert results.RESULTS[("demo", qid)].status == "wrong"


def _boom():
    raise ZeroDivisionError("division by zero")


BAD_ANSWERS = {
    "none": None,
    "nan": float("nan"),
    "numpy_nan": np.float64("nan"),
    "text": "lots",
    "numeric_text": "123.5",
    "bool": True,
    "list": [1, 2, 3],
    "empty_list": [],
    "dict": {"a": 1},
    "wrong_shape_frame": pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}),
    "empty_frame": pd.DataFrame(),
    "series_of_text": pd.Series(["x", "y"]),
    "raising_callable": _boom,
    "bound_method": pd.Series([1.0, 2.0]).sum,
    "object": object(),
    "inf": float("inf"),
    "array_2d": np.zeros((2, 2)),
    "complex": 1 + 2j,
    "timestamp": pd.Timestamp("2024-01-01"),
}


@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
@pytest.mark.parametrize("name", sorted(BAD_ANSWERS))
def test_bad_answers_get_a_friendly_message_never_an_exception(ex, qid, name, capsys):
    ex.question(qid).check(BAD_ANSWERS[name])  # must not raise
    out = capsys.readouterr().out.strip()
    rec = results.RESULTS[("demo", qid)]
    assert rec.status in ("invalid", "wrong"), (name, rec)
    assert "Traceback" not in out and len(out.splitlines()) == 1
    message = rec.message
    assert 0 < len(message) < 320 and message.count(". ") <= 2, message
    assert CHINESE.search(message), message


def test_messages_name_the_problem(ex):
    assert "NaN" in verdict_of(ex.q1, float("nan")).message
    assert "None" in verdict_of(ex.q1, None).message
    assert "brackets" in verdict_of(ex.q1, ex.data.shipments["price"].sum).message
    assert "without quotes" in verdict_of(ex.q1, "123.4").message
    assert "Series" in verdict_of(ex.q3, pd.DataFrame({"a": [1], "b": [2]})).message
    assert "percentage" in verdict_of(ex.q2, reference(ex, "q2") * 100).message
    assert "percentages" in verdict_of(ex.q3, reference(ex, "q3") * 100).message


def test_series_answer_forms(ex):
    ref = reference(ex, "q3")
    assert verdict_of(ex.q3, ref.to_dict()).status == "correct"                          # a dict
    assert verdict_of(ex.q3, ref.rename(index=str).iloc[::-1]).status == "correct"       # plain labels, any order
    assert verdict_of(ex.q3, ref.to_frame("rate")).status == "correct"                    # one-column table
    assert "missing labels" in verdict_of(ex.q3, ref.iloc[1:]).message


def test_check_without_argument_reads_the_answer_variable(ex, capsys):
    total_revenue = reference(ex, "q1")  # noqa: F841 - read by check() from this frame
    ex.q1.check()
    assert results.RESULTS[("demo", "q1")].status == "correct"
    ex.q2.check()  # no variable top20_share here
    assert results.RESULTS[("demo", "q2")].status == "unanswered"
    assert "top20_share" in capsys.readouterr().out


def test_a_broken_expected_function_is_reported_not_raised(capsys):
    task = Task("demo", "broken", [Question("q1", "?", expected=lambda d: 1 / 0, var="x")],
                scenario=demo.TASK.scenario)
    b = task.bind("s1", quiet=True)
    b.q1.check(3)
    out = capsys.readouterr().out
    assert "tell your teacher" in out and results.RESULTS[("demo", "q1")].status == "error"


def test_unknown_question_attribute_lists_the_questions(ex):
    with pytest.raises(AttributeError, match="q1, q2, q3"):
        ex.q9  # noqa: B018


# --- strict mode -------------------------------------------------------------------------
def test_strict_mode_raises_unless_the_answer_passes(ex, monkeypatch):
    monkeypatch.setenv("COURIER_LAB_STRICT", "1")
    ex.q1.check(reference(ex, "q1"))  # passes quietly
    for answer in (..., None, reference(ex, "q1") + 100):
        with pytest.raises(AssertionError, match="demo.q1"):
            ex.q1.check(answer)
    results.sweep({"total_revenue": None})  # the grader's sweep never raises, even in strict mode


# --- hints and solutions -------------------------------------------------------------------
def test_hints_come_one_at_a_time(ex, capsys):
    b = demo.bind("hinter", quiet=True)
    b.q2.hint()
    first = capsys.readouterr().out
    b.q2.hint()
    second = capsys.readouterr().out
    assert "1 of 2" in first and "2 of 2" in second and first != second
    b.q2.hint(1)
    assert "1 of 2" in capsys.readouterr().out
    assert "提示" in first


def _write_config(tmp_path, data):
    (tmp_path / config.CONFIG_NAME).write_text(json.dumps(data), encoding="utf-8")


def test_solution_open_by_default(ex, capsys):
    ex.q2.solution()
    out = capsys.readouterr().out
    assert "参考答案" in out and "math.ceil" in out


def test_solution_locked_by_the_teacher_and_unlocked_by_flag(ex, capsys, tmp_path, monkeypatch):
    _write_config(tmp_path, {"lock_solutions": True})
    ex.q2.solution()
    out = capsys.readouterr().out
    assert out.startswith("🔒") and "math.ceil" not in out and "COURIER_LAB_UNLOCK" in out
    monkeypatch.setenv("COURIER_LAB_UNLOCK", "1")
    ex.q2.solution()
    assert "math.ceil" in capsys.readouterr().out


def test_solution_locked_until_a_date(ex, capsys, tmp_path):
    future = (date.today() + timedelta(days=3)).isoformat()
    _write_config(tmp_path, {"solutions_unlock": future})
    ex.q1.solution()
    out = capsys.readouterr().out
    assert future in out and "sum()" not in out
    _write_config(tmp_path, {"solutions_unlock": {"demo": (date.today() - timedelta(days=1)).isoformat(),
                                                  "task1": future}})
    ex.q1.solution()
    assert "sum()" in capsys.readouterr().out
    assert config.solution_lock("task1") and not config.solution_lock("demo")


def test_a_broken_config_file_gives_defaults_and_says_so(tmp_path, capsys):
    (tmp_path / config.CONFIG_NAME).write_text("{not json", encoding="utf-8")
    cfg = config.load()
    assert cfg.salt == config.DEFAULT_SALT and cfg.problem
    demo.bind("s1")
    assert "could not be read" in capsys.readouterr().out


# --- recording ----------------------------------------------------------------------------
def test_checks_are_recorded_and_written_as_json_lines(tmp_path, monkeypatch):
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv("COURIER_LAB_RESULTS", str(path))
    b = demo.bind("s009", quiet=True)
    b.q1.check(...)
    b.q2.check(reference(b, "q2"), quiet=True)
    assert results.sweep({"total_revenue": reference(b, "q1"), "churn_by_type": 5}) == 2
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    events = [(x["event"], x.get("question"), x.get("source"), x.get("status")) for x in lines]
    assert events == [
        ("bind", None, None, None),
        ("check", "q1", "check", "unanswered"),
        ("check", "q2", "check", "correct"),
        ("check", "q1", "sweep", "correct"),
        ("check", "q3", "sweep", "invalid"),
        ("sweep_done", None, None, None),
    ]
    assert lines[0]["student_id"] == "s009" and lines[0]["seed"] == b.seed
    assert lines[2]["points"] == 2 and lines[2]["max_points"] == 2


def test_progress_summarises_points(capsys):
    b = demo.bind("s010", quiet=True)
    b.q2.check(reference(b, "q2"), quiet=True)
    b.progress()
    out = capsys.readouterr().out
    assert "2/2" in out and "Total (总分): 2 / 5" in out


# --- kinds ----------------------------------------------------------------------------------
def test_number_tolerances_and_tips():
    n = Number(rel=1e-3, abs=1e-6)
    assert n.judge(1000.4, 1000.0).status == "correct"
    assert n.judge(1002, 1000.0).status == "wrong" and "Close" in n.judge(1002, 1000.0).message
    assert "sign" in n.judge(-1000, 1000.0).message
    assert n.judge(np.float32(1000), 1000).status == "correct"
    assert n.judge(np.array(1000.0), 1000).status == "correct"
    assert ".item()" in n.judge(pd.Series([1000.0]), 1000).message
    assert n.judge(float("nan"), float("nan")).status == "invalid"
    s = Number(abs=0.005, share=True)
    assert s.judge(0.623, 0.625).status == "correct"
    assert "percentage" in s.judge(62.5, 0.625).message


def test_choice():
    c = Choice(["A", "B", "C"])
    assert c.judge(" a ", "A").status == "correct"
    assert c.judge("B", "A").status == "wrong"
    assert "options" in c.judge("D", "A").message
    assert c.judge(["A"], "A").status == "invalid"
    assert c.judge(float("nan"), "A").status == "invalid"


def test_id_sets_and_ranked_lists():
    s = IdSet()
    assert s.judge([3, 1, 2], [1, 2, 3]).status == "correct"
    assert s.judge(pd.Index([1, 2, 3]), np.array([1, 2, 3])).status == "correct"
    assert s.judge(pd.Series([1.0, 2.0, 3.0]), [1, 2, 3]).status == "correct"
    msg = s.judge([1, 2, 4], [1, 2, 3]).message
    assert "1 of yours should not be there" in msg and "1 are missing" in msg
    assert "repeats" in s.judge([1, 1, 2, 3], [1, 2, 3]).message
    assert s.judge(pd.DataFrame({"customer_id": [1]}), [1]).status == "invalid"
    assert s.judge(7, [7]).status == "invalid"
    assert s.judge([1, float("nan")], [1]).status == "invalid"
    r = IdSet(ordered=True)
    assert r.judge([3, 2, 1], [3, 2, 1]).status == "correct"
    assert "order" in r.judge([1, 2, 3], [3, 2, 1]).message


def test_series_match_with_categorical_labels():
    want = pd.Series([0.1, 0.2], index=pd.CategoricalIndex(["enterprise", "individual"]))
    m = SeriesMatch(abs=1e-3)
    assert m.judge(pd.Series({"individual": 0.2, "enterprise": 0.1}), want).status == "correct"
    assert "enterprise" in m.judge(pd.Series({"individual": 0.2, "enterprise": 0.3}), want).message
    assert m.judge(pd.Series({"individual": np.nan, "enterprise": np.nan}), want).status == "invalid"
    assert "order" in SeriesMatch(ordered=True).judge(want.iloc[::-1], want).message
    assert m.judge(pd.Series([1, 2], index=["a", "a"]), want).status == "invalid"


def test_frame_match():
    want = pd.DataFrame({"tier": ["A", "B"], "revenue": [100.0, 50.0]})
    f = FrameMatch()
    assert f.judge(want.iloc[::-1].assign(extra=1), want).status == "correct"  # any row order, extra columns
    assert "revenue" in f.judge(want.drop(columns="revenue"), want).message
    assert "rows" in f.judge(want.iloc[:1], want).message
    assert "revenue" in f.judge(want.assign(revenue=[100.0, 51.0]), want).message
    assert f.judge(want["tier"], want).status == "invalid"
    indexed = FrameMatch(index=True)
    assert indexed.judge(want.set_index("tier").iloc[::-1], want.set_index("tier")).status == "correct"


def test_keywords_and_teacher_graded_text():
    k = Keywords([("churn", "流失"), ("complaint", "投诉")], partial=True)
    assert k.judge("客户因投诉处理不好而流失", None).status == "correct"
    half = k.judge("They churn.", None)
    assert half.status == "wrong" and half.score == 0.5
    assert k.judge("...", None).status == "unanswered"
    assert k.judge(42, None).status == "invalid"
    t = TeacherGraded(min_chars=10)
    v = t.judge("Because regular shippers have contracts.", None)
    assert v.status == "submitted" and v.passed and v.score == 0
    assert t.judge("short", None).status == "invalid"


def test_teacher_graded_question_in_strict_mode_passes_when_written(monkeypatch):
    task = Task("demo", "text", [Question("q1", "Why?", kind=TeacherGraded(), var="why")],
                scenario=demo.TASK.scenario)
    b = task.bind("s1", quiet=True)
    monkeypatch.setenv("COURIER_LAB_STRICT", "1")
    b.q1.check("Regular shippers are tied by contracts and habits.")
    assert results.RESULTS[("demo", "q1")].points == 0
    with pytest.raises(AssertionError):
        b.q1.check(...)
    assert task.max_points == 0


def test_custom_kind():
    c = Custom(lambda a, e: (a % 2 == e % 2, "same parity"))
    assert c.judge(3, 5).status == "correct" and c.judge(2, 5).status == "wrong"


def test_function_questions_call_the_students_function(capsys):
    task = Task("demo", "functions", [
        Question("q1", "Write revenue(shipments) -> total price.", expected=lambda d: d.shipments["price"].sum(),
                 kind=Number(), call=lambda d: (d.shipments,), var="revenue"),
    ], scenario=demo.TASK.scenario)
    b = task.bind("s1", quiet=True)

    def good(shipments):
        total = shipments["price"].sum()
        shipments["price"] = 0.0  # mutating its argument must not spoil the next check
        return total

    def placeholder(shipments):
        return ...

    def forgot_return(shipments):
        len(shipments)

    def raises(shipments):
        return shipments["no_such_column"]

    assert verdict_of(b.q1, good).status == "correct"
    assert verdict_of(b.q1, good).status == "correct"
    assert verdict_of(b.q1, placeholder).status == "unanswered"
    assert "return" in verdict_of(b.q1, forgot_return).message
    bad = verdict_of(b.q1, raises)
    assert bad.status == "invalid" and "KeyError" in bad.message and "运行出错" in bad.message
    assert "函数" in verdict_of(b.q1, 5).message


def test_task_definition_mistakes_are_caught():
    with pytest.raises(ValueError, match="repeat"):
        Task("demo", "x", [Question("q1", "?", expected=len), Question("q1", "?", expected=len)])
    with pytest.raises(ValueError, match="share an answer variable"):
        Task("demo", "x", [Question("q1", "?", expected=len, var="a"), Question("q2", "?", expected=len, var="a")])
    with pytest.raises(ValueError, match="expected"):
        Question("q1", "?", kind=Number())


# --- registry ---------------------------------------------------------------------------------
def test_registry_finds_sets_by_name():
    assert get_task("demo") is demo.TASK and get_task(" DEMO ") is demo.TASK
    with pytest.raises(UnknownTask, match="known: demo, task1"):
        get_task("task9")
    assert set(available_tasks()) <= {"task1", "task2", "task3", "task4", "task5", "capstone"}
    assert "demo" in available_tasks(include_demo=True)


def test_every_available_set_follows_the_pattern():
    for name in available_tasks(include_demo=True):
        task = get_task(name)
        assert task.name == name
        for q in task.questions:
            assert q.var and q.var.isidentifier(), (name, q.id)
            assert q.hints and q.text, (name, q.id)


# --- build: solutions -> exercises ---------------------------------------------------------------
@pytest.fixture()
def built():
    return nbformat.reads(build.exercise_text(FIXTURE), as_version=4)


def test_build_replaces_answers_with_placeholders(built):
    text = "\n".join(c.source for c in built.cells)
    for gone in ("BEGIN SOLUTION", "END SOLUTION", 'data.shipments["price"].sum()', "sort_values(ascending=False)",
                 "They ship regularly", "teacher only", "sorted(values, reverse=True)", "nlargest"):
        assert gone not in text, gone
    for kept in ("total_revenue = ...  # your code here (在此编写代码)", "top20_share = ...",
                 "churn_by_type = ...", "def top_customers(shipments, n=3):", "    return ...",
                 "_Write your answer here (在此作答)._", "import math", "ex.q1.check()"):
        assert kept in text, kept
    assert "revenue = ..." not in text.replace("total_revenue = ...", "")  # intermediate names stay hidden


def test_build_strips_outputs_metadata_and_numbers_ids(built):
    solution = nbformat.read(FIXTURE, as_version=4)
    assert len(built.cells) == len(solution.cells) - 1  # the solution-only cell is gone
    assert [c.id for c in built.cells] == [str(i) for i in range(len(built.cells))]
    for cell in built.cells:
        assert set(cell.metadata) <= {"tags", "editable", "deletable"}
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert built.cells[1].metadata == {"tags": ["setup"]}
    assert built.metadata["kernelspec"]["name"] == "python3"
    assert "version" not in built.metadata["language_info"]
    nbformat.validate(built)


def test_build_is_byte_identical_twice(tmp_path):
    sol = tmp_path / "solutions"
    sol.mkdir()
    (sol / "demo.ipynb").write_bytes(FIXTURE.read_bytes())
    build.build_all(sol, tmp_path / "a")
    build.build_all(sol, tmp_path / "b")
    a, b = (tmp_path / "a" / "demo.ipynb").read_bytes(), (tmp_path / "b" / "demo.ipynb").read_bytes()
    assert a == b and a.endswith(b"\n") and "在此编写代码".encode() in a
    assert build.build_all(sol, tmp_path / "a") == []  # nothing changes, nothing rewritten


def test_sync_check_reports_every_kind_of_drift(tmp_path):
    sol, exe = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    (sol / "demo.ipynb").write_bytes(FIXTURE.read_bytes())
    assert build.differences(sol, exe) == [f"{exe / 'demo.ipynb'} is missing"]
    build.build_all(sol, exe)
    assert build.is_up_to_date(sol, exe)
    (exe / "demo.ipynb").write_text((exe / "demo.ipynb").read_text(encoding="utf-8").replace("...", "1"),
                                    encoding="utf-8")
    assert "differs" in build.differences(sol, exe)[0]
    build.build_all(sol, exe)
    (exe / "hand_made.ipynb").write_bytes(FIXTURE.read_bytes())
    assert build.differences(sol, exe) == [f"{exe / 'hand_made.ipynb'} has no solution notebook"]
    # a stale generated exercise is removed, a hand-made one is left for a human to decide
    (sol / "old.ipynb").write_bytes(FIXTURE.read_bytes())
    build.build_all(sol, exe)
    (sol / "old.ipynb").unlink()
    build.build_all(sol, exe)
    assert not (exe / "old.ipynb").exists() and (exe / "hand_made.ipynb").exists()


@pytest.mark.parametrize("source, words", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
])
def test_broken_markers_stop_the_build_before_writing(tmp_path, source, words):
    sol = tmp_path / "solutions"
    sol.mkdir()
    (sol / "a.ipynb").write_bytes(FIXTURE.read_bytes())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbformat.write(nb, str(sol / "b.ipynb"))
    with pytest.raises(build.BuildError, match=words):
        build.build_all(sol, tmp_path / "exercises")
    assert not (tmp_path / "exercises").exists()


def test_a_corrupt_solution_notebook_is_named(tmp_path):
    sol = tmp_path / "solutions"
    sol.mkdir()
    (sol / "bad.ipynb").write_text("{nope", encoding="utf-8")
    with pytest.raises(build.BuildError, match="bad.ipynb"):
        build.build_all(sol, tmp_path / "exercises")


def test_placeholder_rules():
    assert build.placeholder(["a, b = 1, 2"], "", set()) == ["a, b = ...  # your code here (在此编写代码)".replace(
        "a, b", "b")]
    assert build.placeholder(["x = 1", "y = x + 1"], "", {"x"}) == ["x = ...  # your code here (在此编写代码)",
                                                                    "y = ..."]
    assert build.placeholder(["print('hi')"], "", set()) == ["...  # your code here (在此编写代码)"]
    assert build.placeholder(["    v = 1", "    return v"], "    ", set()) == [
        "    # your code here (在此编写代码)", "    return ..."]
    assert build.placeholder(["not python ("], "", set()) == ["...  # your code here (在此编写代码)"]
    assert build.placeholder(["import math", "import numpy as np", "x = math.pi"], "", {"np", "x"}) == [
        "import numpy as np", "x = ...  # your code here (在此编写代码)"]


def _run_cells(nb) -> dict:
    """Execute trusted fixture cells in-process (our own demo code, not student code)."""
    ns: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "<cell>", "exec"), ns)
    return ns


def test_solution_passes_its_checks_in_strict_mode_and_the_exercise_does_not(monkeypatch, built, capsys):
    monkeypatch.setenv("COURIER_LAB_STRICT", "1")
    _run_cells(nbformat.read(FIXTURE, as_version=4))
    assert {k: r.status for k, r in results.RESULTS.items()} == {
        ("demo", "q1"): "correct", ("demo", "q2"): "correct", ("demo", "q3"): "correct"}
    results.reset()
    with pytest.raises(AssertionError, match="unanswered"):
        _run_cells(built)


def test_a_fresh_exercise_runs_clean_and_says_not_answered(built, capsys):
    _run_cells(built)  # no exception anywhere
    assert {r.status for r in results.RESULTS.values()} == {"unanswered"}
    assert capsys.readouterr().out.count("未完成") == 3


def test_repository_exercises_are_what_the_build_writes_now():
    """exercises/ is generated: rebuild with `courier-sim build-exercises` when this fails."""
    problems = build.differences(ROOT / "solutions", ROOT / "exercises")
    assert problems == [], "\n".join(problems)


SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _run_in_kernel(path: Path, tmp_path: Path, strict: bool, glyph_warnings):
    """Execute a notebook in a fresh kernel; returns (CellExecutionError or None, recorded checks).

    A chart that lost Chinese characters (a missing-glyph warning on stderr) fails here too.
    """
    import os

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = nbformat.read(str(path), as_version=4)
    record = tmp_path / "checks.jsonl"
    env = {**os.environ, "COURIER_LAB_STRICT": "1" if strict else "0", "MPLBACKEND": "Agg",
           "COURIER_LAB_RESULTS": str(record)}
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    error = None
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        error = exc
    missing = [line for cell in nb.cells for line in glyph_warnings(cell.get("outputs"))]
    assert not missing, f"{path.name}: a chart lost Chinese characters:\n" + "\n".join(missing)
    lines = [json.loads(x) for x in record.read_text(encoding="utf-8").splitlines()] if record.exists() else []
    return error, [x for x in lines if x.get("event") == "check"]


def _statuses(checks) -> dict:
    """(task, question) -> the status of its last check: every question of the notebook's set must appear."""
    assert checks, "the notebook checked nothing"
    return {(c["task"], c["question"]): c["status"] for c in checks}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_repository_solutions_pass_their_own_checks_strictly(solution, tmp_path, glyph_warnings):
    error, checks = _run_in_kernel(solution, tmp_path, strict=True, glyph_warnings=glyph_warnings)
    assert error is None, f"{solution.name}: {error}"
    assert _statuses(checks) == {(t, q.id): "correct" if q.auto_graded else "submitted"
                                 for t in {c["task"] for c in checks} for q in get_task(t).questions}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_repository_exercises_run_clean_and_pass_no_check(solution, tmp_path, glyph_warnings):
    """Untouched, an exercise runs top to bottom and every check says "not answered" (so strict mode would fail)."""
    error, checks = _run_in_kernel(ROOT / "exercises" / solution.name, tmp_path, strict=False,
                                   glyph_warnings=glyph_warnings)
    assert error is None, f"{solution.name}: {error}"
    assert _statuses(checks) == {(t, q.id): "unanswered"
                                 for t in {c["task"] for c in checks} for q in get_task(t).questions}


# --- class datasets -----------------------------------------------------------------------------
def _roster(tmp_path, text, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("text, words", [
    ("name\nLi Lei\n", "no student_id column"),
    ("student_id,name\ns1,A\ns2,B\nS1,C\n", "appears twice (lines 2 and 4)"),
    ("student_id,name\n", "lists no students"),
    ("", "is empty"),
    ("student_id,name\ns1,A\n,B\n", "line 3: the student id (学号) is empty"),
    ("student_id\na/b\n", "folder name"),
])
def test_bad_rosters_get_a_clear_error(tmp_path, text, words):
    with pytest.raises(datasets.RosterError, match=re.escape(words)):
        datasets.read_roster(_roster(tmp_path, text))


def test_roster_with_chinese_headers_in_gbk_and_leading_zeros(tmp_path):
    path = _roster(tmp_path, "学号,姓名\n007,李雷\n2023001,韩梅梅\n\n", encoding="gb18030")
    roster = datasets.read_roster(path)
    assert roster.to_dict("list") == {"student_id": ["007", "2023001"], "name": ["李雷", "韩梅梅"]}


def test_missing_roster_file(tmp_path):
    with pytest.raises(datasets.RosterError, match="no roster file"):
        datasets.read_roster(tmp_path / "nope.csv")


def test_class_datasets_write_each_students_tables_and_the_answer_sheet(tmp_path):
    roster = _roster(tmp_path, "student_id,name\ns001,Li\ns002,Han\n")
    out = datasets.class_datasets(roster, tmp_path / "class", tasks=["demo"])
    sheet = pd.read_csv(out / "answer_sheet.csv", encoding="utf-8-sig", dtype={"student_id": str})
    assert len(sheet) == 2 * 3
    assert list(sheet.columns[:4]) == ["student_id", "name", "task", "question"]
    for sid in ("s001", "s002"):
        shipments = pd.read_csv(out / sid / "demo" / "shipments.csv", encoding="utf-8-sig")
        row = sheet[(sheet.student_id == sid) & (sheet.question == "q1")].iloc[0]
        assert float(row.expected.split()[0]) == pytest.approx(shipments["price"].sum(), abs=0.01)
        assert row.expected.endswith("yuan") and row.seed == seeds.student_seed(sid, "demo")
        customers = pd.read_csv(out / sid / "demo" / "customers.csv", encoding="utf-8-sig", nrows=2)
        assert "value_level" not in customers.columns
    q3 = sheet[(sheet.student_id == "s001") & (sheet.question == "q3")].iloc[0].expected
    assert "enterprise=" in q3
    # a rerun replaces its own earlier output; a foreign folder is refused
    datasets.class_datasets(roster, tmp_path / "class", tasks=["demo"])
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        datasets.class_datasets(roster, foreign, tasks=["demo"])


def test_class_datasets_are_the_same_written_by_one_process_or_several(tmp_path):
    roster = _roster(tmp_path, "student_id,name\ns001,Li\ns002,Han\ns003,Wu\n")
    lines = []
    one = datasets.class_datasets(roster, tmp_path / "one", tasks=["demo"], processes=1)
    two = datasets.class_datasets(roster, tmp_path / "two", tasks=["demo"], processes=2, report=lines.append)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert len(files) > 3 * 5
    for f in files:
        assert (one / f).read_bytes() == (two / f).read_bytes(), f
    # progress comes as students finish, whatever their order
    assert [line.split()[0] for line in lines] == ["[1/3]", "[2/3]", "[3/3]"]
    assert sorted(line.split()[1] for line in lines) == ["s001", "s002", "s003"]
    with pytest.raises(ValueError, match="processes must be at least 1"):
        datasets.class_datasets(roster, tmp_path / "none", tasks=["demo"], processes=0)


def test_class_datasets_rejects_unknown_tasks_and_formats(tmp_path):
    roster = _roster(tmp_path, "student_id\ns1\n")
    with pytest.raises(UnknownTask):
        datasets.class_datasets(roster, tmp_path / "o", tasks=["task42"])
    with pytest.raises(ValueError, match="format"):
        datasets.class_datasets(roster, tmp_path / "o", fmt="doc", tasks=["demo"])
    assert not (tmp_path / "o").exists()


def test_class_datasets_xlsx(tmp_path):
    roster = _roster(tmp_path, "student_id\ns1\n")
    out = datasets.class_datasets(roster, tmp_path / "x", fmt="xlsx", tasks=["demo"])
    book = pd.read_excel(out / "s1" / "demo.xlsx", sheet_name=None)
    assert {"customers", "shipments", "scenario"} <= set(book)
    assert book["shipments"]["price"].sum() == pytest.approx(get_task("demo").answers("s1")["q1"], abs=0.01)


# --- CLI entry points --------------------------------------------------------------------------
def _parse(argv):
    parser = argparse.ArgumentParser()
    commands.add_arguments(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli_build_and_check(tmp_path, capsys):
    sol, exe = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    (sol / "demo.ipynb").write_bytes(FIXTURE.read_bytes())
    check = ["build-exercises", "--solutions", str(sol), "--out", str(exe), "--check"]
    assert commands.COMMANDS["build-exercises"](_parse(check)) == 1
    assert "out of date" in capsys.readouterr().out
    assert commands.build_exercises_command(_parse(check[:-1])) == 0
    assert commands.build_exercises_command(_parse(check)) == 0


def test_cli_class_datasets(tmp_path, capsys):
    roster = _roster(tmp_path, "student_id\ns1\n")
    args = _parse(["class-datasets", "--roster", str(roster), "--out", str(tmp_path / "c"), "--tasks", "demo"])
    assert commands.class_datasets_command(args) == 0
    assert (tmp_path / "c" / "answer_sheet.csv").exists()
    assert math.isfinite(float(pd.read_csv(tmp_path / "c" / "answer_sheet.csv", encoding="utf-8-sig")
                               .loc[0, "expected"].split()[0]))
