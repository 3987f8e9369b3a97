"""Batch grading on a small class: correct, partly correct, crashing, endless and corrupt notebooks.

Each notebook runs in its own kernel (a few seconds each), so the folder is
graded once per module and the tests read the gradebook.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from courier_sim.exercises import commands, grading, results

TIMEOUT = 20  # seconds per notebook: ample for a 3-second notebook, short for an endless one

SETUP = 'from courier_sim.exercises import demo\nSTUDENT_ID = "{sid}"\nex = demo.bind(STUDENT_ID)\ndata = ex.data'
RIGHT = {
    "q1": 'total_revenue = data.shipments["price"].sum()',
    "q2": ("import math\n"
           'revenue = data.shipments.groupby("customer_id")["price"].sum().sort_values(ascending=False)\n'
           "top20_share = revenue.iloc[:math.ceil(0.2 * len(revenue))].sum() / revenue.sum()"),
    "q3": ('c = data.customers\nbase = c[c["acquisition_channel"] == "existing"]\n'
           'churn_by_type = base["churn_date"].notna().groupby(base["customer_type"], observed=True).mean()'),
}


def notebook(sid, answers, before=(), checks=True):
    cells = [new_code_cell(code) for code in before]
    cells.append(new_code_cell(SETUP.format(sid=sid)))
    for qid, code in answers.items():
        cells.append(new_code_cell(code))
        if checks is True or qid in checks:
            cells.append(new_code_cell(f"ex.{qid}.check()"))
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "some-kernel-the-grader-lacks", "display_name": "Py", "language": "python"}})


def pid_cell(path: Path) -> str:
    return f"import os\nopen({str(path)!r}, 'w').write(str(os.getpid()))"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    subs.mkdir()
    pids = {"s001": root / "s001.pid", "s004": root / "s004.pid"}
    nbformat.write(notebook("s001", {**RIGHT, "pid": pid_cell(pids["s001"])}, checks=("q1", "q2", "q3")),
                   str(subs / "s001_correct.ipynb"))
    partial = {"q1": RIGHT["q1"], "q2": "top20_share = 62.0", "q3": "churn_by_type = ..."}
    nbformat.write(notebook("s002", partial, checks=("q2", "q3")), str(subs / "s002_partial.ipynb"))  # q1 never checked
    nbformat.write(notebook("s003", RIGHT, before=['raise RuntimeError("boom")']), str(subs / "s003_crash.ipynb"))
    endless = {"q1": RIGHT["q1"], "q2": pid_cell(pids["s004"]) + "\nwhile True:\n    pass", "q3": RIGHT["q3"]}
    nbformat.write(notebook("s004", endless, checks=("q1", "q3")), str(subs / "s004_endless.ipynb"))
    (subs / "s005_corrupt.ipynb").write_text('{"cells": [ this is not json', encoding="utf-8")
    whole = nbformat.writes(notebook("s006", RIGHT))
    (subs / "s006_truncated.ipynb").write_text(whole[: len(whole) // 2], encoding="utf-8")
    roster = root / "roster.csv"
    roster.write_text("student_id,name\ns001,A\ns002,B\ns003,C\ns004,D\ns006,F\ns099,Z\n", encoding="utf-8")
    lines = []
    book = grading.grade(subs, root / "out" / "gradebook.csv", timeout=TIMEOUT, roster=roster,
                         keep_executed=root / "executed", report=lines.append)
    return {"root": root, "subs": subs, "book": book, "lines": lines, "pids": pids,
            "csv": root / "out" / "gradebook.csv"}


def row(klass, sid) -> pd.Series:
    book = klass["book"]
    match = book[book["student_id"] == sid]
    assert len(match) == 1, book
    return match.iloc[0]


def test_every_notebook_gets_a_row_and_the_run_goes_on(klass):
    book = klass["book"]
    assert sorted(book["student_id"]) == ["s001", "s002", "s003", "s004", "s005_corrupt", "s006", "s099"]
    assert dict(zip(book["student_id"], book["status"])) == {
        "s001": "ok", "s002": "ok", "s003": "crashed", "s004": "timeout",
        "s005_corrupt": "corrupt", "s006": "corrupt", "s099": "missing"}
    assert len(klass["lines"]) == 6 and all("[" in line for line in klass["lines"])


def test_gradebook_csv_opens_in_excel_and_has_the_columns(klass):
    raw = klass["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig for Excel on Chinese Windows
    book = pd.read_csv(klass["csv"], encoding="utf-8-sig")
    assert list(book.columns) == ["student_id", "file", "status", "tasks", "demo:q1", "demo:q2", "demo:q3",
                                  "total", "max", "teacher_graded", "reasons", "seconds"]
    assert not list(klass["csv"].parent.glob(".*.tmp"))  # written atomically: no leftovers


def test_correct_notebook_gets_full_marks(klass):
    r = row(klass, "s001")
    assert (r["demo:q1"], r["demo:q2"], r["demo:q3"], r["total"], r["max"]) == (1, 2, 2, 5, 5)
    assert r["reasons"] == "" and r["tasks"] == "demo"


def test_the_student_code_ran_in_another_process(klass):
    pid = int(klass["pids"]["s001"].read_text())
    assert pid != os.getpid()


def test_partly_correct_notebook_has_a_reason_for_every_lost_point(klass):
    r = row(klass, "s002")
    assert (r["demo:q1"], r["demo:q2"], r["demo:q3"], r["total"]) == (1, 0, 0, 1)  # q1 graded by the final sweep
    assert "demo:q2 lost 2: wrong" in r["reasons"] and "share" in r["reasons"]
    assert "demo:q3 lost 2: unanswered" in r["reasons"] and "未完成" in r["reasons"]
    assert "demo:q1" not in r["reasons"]


def test_crashing_cell_is_reported_and_later_answers_still_count(klass):
    r = row(klass, "s003")
    assert "code cell 1 raised RuntimeError: boom" in r["reasons"]
    assert r["total"] == 5


def test_endless_notebook_is_killed_and_earlier_checks_count(klass):
    r = row(klass, "s004")
    assert "timeout" in r["reasons"] and r["demo:q1"] == 1 and r["total"] == 1
    assert "not reached" in r["reasons"]
    assert r["seconds"] < TIMEOUT + 30
    pid = int(klass["pids"]["s004"].read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the kernel is gone


def test_corrupt_notebooks_say_so_and_keep_the_students_id(klass):
    junk, truncated = row(klass, "s005_corrupt"), row(klass, "s006")
    for r in (junk, truncated):
        assert "corrupt: not a readable notebook" in r["reasons"] and pd.isna(r["total"])
    assert truncated["file"] == "s006_truncated.ipynb"


def test_roster_adds_missing_students_and_flags_strangers(klass):
    assert "未提交" in row(klass, "s099")["reasons"]
    assert "not on the roster" not in row(klass, "s001")["reasons"]


def test_executed_notebooks_are_kept_for_the_teacher(klass):
    kept = nbformat.read(str(klass["root"] / "executed" / "s002_partial.ipynb"), as_version=4)
    text = "".join(o.get("text", "") for c in kept.cells if c.cell_type == "code" for o in c.outputs)
    assert "❌" in text and "未完成" in text


def test_stop_on_error_grades_only_what_ran_first(klass):
    r = grading.grade_notebook(klass["subs"] / "s003_crash.ipynb", timeout=TIMEOUT, stop_on_error=True)
    assert r.status == "crashed" and sum(r.points.values()) == 0 and r.tasks == ["demo"]
    assert any("not reached" in reason for reason in r.reasons)


# --- without kernels -----------------------------------------------------------------------------
def test_conclude_flags_a_missing_student_id():
    lines = [{"event": "bind", "task": "demo", "student_id": "demo", "placeholder_id": True},
             {"event": "check", "task": "demo", "question": "q1", "score": 1.0, "status": "correct"},
             {"event": "check", "task": "demo", "question": "q2", "score": 7.0, "status": "correct"},
             {"event": "sweep_done"}]
    r = grading.conclude(grading.Row(file="x.ipynb"), "ok", "", lines, [], 'STUDENT_ID = "..."', "x")
    assert r.student_id == "x" and any("学号未填写" in reason for reason in r.reasons)
    assert r.points == {"demo:q1": 1.0, "demo:q2": 2.0, "demo:q3": 0.0}  # a forged score is capped


def test_conclude_uses_the_id_written_in_the_notebook_when_nothing_ran():
    r = grading.conclude(grading.Row(file="a.ipynb"), "crashed", "crashed: the kernel died", [], [],
                         'from courier_sim.exercises import demo\nSTUDENT_ID = "2023007"\nex = demo.bind(STUDENT_ID)', "a")
    assert r.student_id == "2023007" and r.tasks == ["demo"] and r.max_points == 5
    assert sum(r.points.values()) == 0


def test_grade_command_on_a_folder_of_corrupt_files(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("", encoding="utf-8")
    (subs / "b.ipynb").write_text('{"not": "a notebook"}', encoding="utf-8")
    parser = argparse.ArgumentParser()
    commands.add_arguments(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["grade", "--submissions", str(subs), "--out", str(tmp_path / "g.csv")])
    assert commands.grade_command(args) == 0
    book = pd.read_csv(tmp_path / "g.csv", encoding="utf-8-sig")
    assert list(book["status"]) == ["corrupt", "corrupt"]
    assert "2 corrupt" in capsys.readouterr().out


def test_grade_needs_an_existing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no submissions folder"):
        grading.grade(tmp_path / "nope", tmp_path / "g.csv")


def teardown_module():
    results.reset()
