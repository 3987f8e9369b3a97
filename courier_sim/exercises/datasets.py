"""One dataset per student, and the teacher's answer sheet.

``class_datasets(roster, out_dir)`` reads a roster (student_id [, name]; the
Chinese headers 学号 / 姓名 work too) and writes, for each student and each
exercise set, the tables that student's notebook will see, plus
``answer_sheet.csv``: every expected answer, per student, task and question.
The same seed derivation as the notebooks (``seeds``) makes the files and the
notebooks agree. Everything is written into a hidden folder first and moved
into place at the end: a complete set or nothing.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from ..export import swap_into_place
from . import seeds
from .registry import available_tasks, get_task

FORMATS = ("csv", "xlsx", "parquet")
ID_COLUMNS = ("student_id", "学号", "id", "student id", "studentid", "student_no")
NAME_COLUMNS = ("name", "姓名", "student_name")
MARKER = ".courier_lab_class_datasets"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class RosterError(ValueError):
    """A roster the tools cannot use; the message names the row or column."""


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str)
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return pd.read_csv(path, dtype=str, encoding=encoding, skip_blank_lines=True)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"{path}: cannot read the text encoding; save it as CSV UTF-8")


def read_roster(path) -> pd.DataFrame:
    """The roster as a DataFrame with ``student_id`` and ``name`` (checked, ids trimmed)."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"no roster file {path}")
    try:
        raw = _read_table(path)
    except RosterError:
        raise
    except pd.errors.EmptyDataError:
        raise RosterError(f"{path} is empty: it needs a header row with student_id (学号) and one row per student") from None
    except Exception as exc:
        raise RosterError(f"{path}: cannot read it as a table ({type(exc).__name__}: {exc})") from None
    lookup = {str(c).strip().lower(): c for c in raw.columns}
    id_col = next((lookup[c] for c in ID_COLUMNS if c in lookup), None)
    if id_col is None:
        raise RosterError(f"{path} has no student_id column (学号); its columns are: "
                          f"{', '.join(map(str, raw.columns)) or 'none'}")
    name_col = next((lookup[c] for c in NAME_COLUMNS if c in lookup), None)
    ids = raw[id_col].fillna("").astype(str).str.strip()
    names = raw[name_col].fillna("").astype(str).str.strip() if name_col is not None else pd.Series("", index=raw.index)
    keep = ~(ids.eq("") & names.eq(""))  # fully blank lines are ignored
    ids, names = ids[keep], names[keep]
    if ids.empty:
        raise RosterError(f"{path} lists no students")
    first_seen: dict[str, int] = {}
    for index, sid in ids.items():
        row = int(index) + 2  # header is line 1
        if not sid:
            raise RosterError(f"{path}, line {row}: the student id (学号) is empty")
        if _UNSAFE.search(sid) or sid.startswith("."):
            raise RosterError(f"{path}, line {row}: the student id {sid!r} contains characters a folder name "
                              "cannot hold (\\ / : * ? \" < > |)")
        key = seeds.normalise_id(sid)
        if key in first_seen:
            raise RosterError(f"{path}: the student id {sid!r} appears twice (lines {first_seen[key]} and {row})")
        first_seen[key] = row
    return pd.DataFrame({"student_id": ids.to_list(), "name": names.to_list()})


def _expected_text(question, value) -> str:
    try:
        return question.kind.show_expected(value)
    except Exception:
        return str(value)


def _refuse_foreign(target: Path) -> None:
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).exists())):
        raise FileExistsError(f"{target} already holds other files; choose a new or empty folder")


def _student_files(job) -> list[dict]:
    """Write one student's tables for every task under ``folder``; return their answer-sheet rows.

    A module-level function, so worker processes can run it for one student each.
    """
    student_id, name, task_names, fmt, folder = job
    rows = []
    for task in (get_task(n) for n in task_names):
        data = task.dataset(student_id)
        if fmt == "xlsx":
            data.to_excel(folder / f"{task.name}.xlsx")
        else:
            data.export(folder / task.name, fmt)
        answers = task.answers(student_id)
        for q in task.questions:
            rows.append({
                "student_id": student_id, "name": name, "task": task.name,
                "question": q.id, "title": q.title, "title_zh": q.title_zh,
                "points": q.points if q.auto_graded else 0, "kind": q.kind.label,
                "expected": _expected_text(q, answers[q.id]), "seed": task.seed(student_id),
            })
    return rows


def _each_student(jobs: list, processes: int | None, report):
    """Rows per student in roster order, students spread over worker processes (as ``batch.run_many``)."""
    from ..batch import MAX_WORKERS
    workers = min(len(jobs), processes or min(os.cpu_count() or 1, MAX_WORKERS))
    done = 0
    if workers <= 1:
        for job in jobs:
            rows = _student_files(job)
            done += 1
            if report:
                report(f"[{done}/{len(jobs)}] {job[0]}")
            yield rows
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_student_files, job) for job in jobs]
        for future in as_completed(futures):
            future.result()  # a failure stops the run here
            done += 1
            if report:
                report(f"[{done}/{len(jobs)}] {jobs[futures.index(future)][0]}")
        for future in futures:
            yield future.result()


def class_datasets(roster, out_dir, fmt: str = "csv", tasks=None, report=None, processes: int | None = None) -> Path:
    """Write each student's tables per task and ``answer_sheet.csv``; returns the folder.

    Layout: ``OUT/<student_id>/<task>/<table>.csv`` (or ``OUT/<student_id>/<task>.xlsx``),
    ``OUT/answer_sheet.csv`` for the teacher (keep it away from students).
    Students are written by ``processes`` workers (default one per core, at
    most four); the files are the same whatever the number.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not supported; use one of {', '.join(FORMATS)}")
    if processes is not None and processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    students = read_roster(roster)
    names = list(tasks) if tasks else available_tasks()
    if not names:
        raise ValueError("no exercise sets are available yet; name one with --tasks (e.g. --tasks demo)")
    names = [get_task(n).name for n in names]  # unknown names fail here, before any work

    target = Path(out_dir).resolve()
    _refuse_foreign(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-partial-", dir=target.parent))
    try:
        jobs = [(st.student_id, st.name, names, fmt, staging / st.student_id)
                for st in students.itertuples(index=False)]
        sheet = [row for rows in _each_student(jobs, processes, report) for row in rows]
        pd.DataFrame(sheet).to_csv(staging / "answer_sheet.csv", index=False, encoding="utf-8-sig")
        (staging / MARKER).write_text("written by courier-sim class-datasets\n", encoding="utf-8")
        swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
