"""Batch grading: run each submitted notebook in its own kernel and write a gradebook.

The grader never runs student code in its own process. For each notebook it
starts a fresh Jupyter kernel (nbclient) in a scratch folder, with
``COURIER_LAB_RESULTS`` pointing at a results file; every ``check()`` in the
kernel appends a JSON line there, and a last cell added by the grader
re-checks each answer variable (``results.sweep``). The kernel is killed
when the notebook's time is up. The grader then reads the results file.

Statuses: ``ok`` (ran to the end), ``crashed`` (a cell raised, or the kernel
died: whatever ran is still graded), ``timeout`` (killed after the time
limit: checks done before that still count), ``corrupt`` (not a readable
notebook). One bad notebook never stops the run.

Points come from the task definitions in this package (not from the
notebook), per question: the better of the final sweep and the last check.
Limitation worth knowing: code in a kernel can write anything to that kernel's
results file, so a determined student could forge lines. Graded notebooks are
kept (``keep_executed``) so a teacher can look at any surprising mark.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config, seeds
from .registry import ALL_TASKS, UnknownTask, get_task

OK, CRASHED, TIMEOUT, CORRUPT, MISSING = "ok", "crashed", "timeout", "corrupt", "missing"
DEFAULT_TIMEOUT = 180
SWEEP_SOURCE = ("# added by the grader: re-check every answer variable\n"
                "from courier_sim.exercises import results as _courier_lab_results\n"
                "_courier_lab_results.sweep()")
SWEEP_TAG = "courier-lab-grader"
_ID_RE = re.compile(r"""^\s*STUDENT_ID\s*=\s*(?:["']([^"'\n]*)["']|(\d+))""", re.M)
_RAW_ID_RE = re.compile(r"""STUDENT_ID\s*=\s*\\?["']([^"'\\\n]*)\\?["']""")  # inside JSON text
_TASK_RE = re.compile(r"""\b(%s)\.bind\s*\(|\bbind\(\s*["'](%s)["']""" % ("|".join(ALL_TASKS), "|".join(ALL_TASKS)))


@dataclass
class Row:
    """One gradebook line."""
    file: str
    student_id: str = ""
    status: str = OK
    tasks: list[str] = field(default_factory=list)
    points: dict[str, float] = field(default_factory=dict)   # "task:q" -> points
    max_points: float = 0.0
    teacher: list[str] = field(default_factory=list)          # "task:q" left for the teacher
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"student_id": self.student_id, "file": self.file, "status": self.status,
                "tasks": " ".join(self.tasks), **self.points,
                "total": round(sum(self.points.values()), 4) if self.tasks else None,
                "max": self.max_points if self.tasks else None,
                "teacher_graded": " ".join(self.teacher), "reasons": " | ".join(self.reasons),
                "seconds": round(self.seconds, 1)}


# --- reading a submission without running it ------------------------------------------
def _static_id(sources: str) -> str:
    m = _ID_RE.search(sources)
    if not m:
        return ""
    value = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
    return "" if seeds.is_placeholder(value) else value


def _raw_id(text: str) -> str:
    """The id in a notebook too broken to parse, read from its raw (JSON-escaped) text."""
    m = _RAW_ID_RE.search(text)
    value = m.group(1).strip() if m else ""
    return "" if seeds.is_placeholder(value) else value


def _static_tasks(sources: str) -> list[str]:
    found = []
    for m in _TASK_RE.finditer(sources):
        name = m.group(1) or m.group(2)
        if name not in found:
            found.append(name)
    return found


def _read_results(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        if isinstance(item, dict):
            lines.append(item)
    return lines


# --- running one notebook in a kernel ---------------------------------------------------
def _kernel_env(results_file: Path) -> dict:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env[config.ENV_RESULTS] = str(results_file)
    env[config.ENV_STRICT] = "0"
    env[config.ENV_SALT] = config.load().salt   # the kernel runs elsewhere: carry the class's salt
    env["COURIER_LAB_GRADING"] = "1"
    env["MPLBACKEND"] = "Agg"
    env.pop(config.ENV_CONFIG, None)
    return env


def _execute(nb, workdir: Path, results_file: Path, timeout: float, stop_on_error: bool = False) -> tuple[str, str]:
    """Run ``nb`` in a fresh kernel; ``(status, reason)`` where status is ok/timeout/crashed."""
    import subprocess

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    deadline = time.monotonic() + timeout
    quiet = logging.getLogger("courier_sim.exercises.grading.kernel")  # timeouts are reported in the row
    quiet.propagate, quiet.disabled = False, True

    def cell_budget(cell) -> int:
        if SWEEP_TAG in cell.get("metadata", {}).get("tags", []):
            return 60  # the grader's own sweep gets its own minute
        return max(1, int(deadline - time.monotonic() + 0.999))

    client = NotebookClient(
        nb, timeout=int(timeout), timeout_func=cell_budget, kernel_name="python3", allow_errors=not stop_on_error,
        shutdown_kernel="immediate", startup_timeout=60, interrupt_on_timeout=False,
        resources={"metadata": {"path": str(workdir)}}, record_timing=False, log=quiet)
    try:
        # the kernel's own stderr (start-up chatter) is not the student's output: discard it
        client.execute(env=_kernel_env(results_file), cwd=str(workdir),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        return TIMEOUT, f"timeout: stopped after {timeout:g} s (an endless loop? 死循环); graded the checks done before that"
    except DeadKernelError as exc:
        return CRASHED, f"crashed: the kernel died ({_first_line(exc)})"
    except CellExecutionError as exc:  # only with stop_on_error
        return CRASHED, f"crashed: stopped at the first error ({getattr(exc, 'ename', '')}: {_first_line(exc)[:120]})"
    except Exception as exc:  # kernel failed to start, zmq trouble, ...
        return CRASHED, f"crashed: could not run the notebook ({type(exc).__name__}: {_first_line(exc)})"
    finally:
        try:
            if client.km is not None:
                client._cleanup_kernel()
        except Exception:
            pass
    return OK, ""


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:200]


def _cell_errors(nb) -> list[str]:
    errors = []
    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        if SWEEP_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"code cell {number} raised {out.get('ename', 'an error')}: "
                              f"{str(out.get('evalue', ''))[:120]}")
    return errors


# --- from results to points ---------------------------------------------------------------
def _score(rows: list[dict], row: Row, task_names: list[str], stopped: bool = False) -> None:
    checks: dict[tuple[str, str], dict] = {}
    sweeps: dict[tuple[str, str], dict] = {}
    for item in rows:
        if item.get("event") == "check":
            key = (str(item.get("task")), str(item.get("question")))
            (sweeps if item.get("source") == "sweep" else checks)[key] = item
    for name in task_names:
        try:
            task = get_task(name)
        except (UnknownTask, Exception) as exc:
            row.reasons.append(f"{name}: cannot grade ({exc})")
            continue
        row.tasks.append(name)
        for q in task.questions:
            key = f"{name}:{q.id}"
            if not q.auto_graded:
                row.teacher.append(key)
                continue
            row.max_points += q.points
            candidates = [r for r in (sweeps.get((name, q.id)), checks.get((name, q.id))) if r]
            best, best_points = None, 0.0
            for r in candidates:
                try:
                    score = min(1.0, max(0.0, float(r.get("score", 0.0))))
                except (TypeError, ValueError):
                    score = 0.0
                pts = round(q.points * score, 4)
                if best is None or pts > best_points:
                    best, best_points = r, pts
            row.points[key] = best_points
            if best_points < q.points:
                if best is None and stopped:
                    why = "not reached before the notebook stopped (未运行到)"
                elif best is None:
                    why = "not answered or not checked (未完成)"
                else:
                    why = f"{best.get('status', '?')}: {str(best.get('message', ''))[:160]}"
                row.reasons.append(f"{key} lost {q.points - best_points:g}: {why}")


def grade_notebook(path, timeout: float = DEFAULT_TIMEOUT, keep_dir: Path | None = None,
                   stop_on_error: bool = False) -> Row:
    """Grade one submission; always returns a row, whatever the notebook does."""
    import nbformat

    path = Path(path)
    row = Row(file=path.name)
    started = time.monotonic()
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        nb = nbformat.reads(text, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as exc:
        row.status = CORRUPT
        try:
            row.student_id = _raw_id(raw.decode("utf-8", errors="replace"))  # type: ignore[possibly-undefined]
        except Exception:
            row.student_id = ""
        row.student_id = row.student_id or path.stem
        row.reasons.append(f"corrupt: not a readable notebook ({type(exc).__name__}: {_first_line(exc)}); "
                           "ask the student to download it again from Jupyter (File > Download)")
        row.seconds = time.monotonic() - started
        return row

    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    sweep = nbformat.v4.new_code_cell(SWEEP_SOURCE)
    sweep.metadata["tags"] = [SWEEP_TAG]
    nb.cells.append(sweep)

    workdir = Path(tempfile.mkdtemp(prefix="courier-grade-"))
    results_file = workdir / ".courier_lab_results.jsonl"
    try:
        status, reason = _execute(nb, workdir, results_file, timeout, stop_on_error)
        lines = _read_results(results_file)
        if keep_dir is not None:
            keep_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(keep_dir / path.name))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    conclude(row, status, reason, lines, _cell_errors(nb), sources, path.stem)
    row.seconds = time.monotonic() - started
    return row


def conclude(row: Row, status: str, reason: str, lines: list[dict], errors: list[str],
             sources: str, fallback_id: str) -> Row:
    """Fill ``row`` from how the run ended and what the kernel recorded (no kernel needed)."""
    static_tasks = _static_tasks(sources)
    if status == OK and errors:
        status, reason = CRASHED, "crashed: " + "; ".join(errors[:3]) + (" ..." if len(errors) > 3 else "")
    row.status = status
    if reason:
        row.reasons.append(reason)

    binds = [item for item in lines if item.get("event") == "bind"]
    bound_ids = {str(b.get("student_id")) for b in binds if not b.get("placeholder_id")}
    if binds and all(b.get("placeholder_id") for b in binds):
        row.reasons.append("STUDENT_ID was not filled in (学号未填写): graded on the demo dataset")
    if len(bound_ids) > 1:
        row.reasons.append(f"several student ids were used: {', '.join(sorted(bound_ids))}; graded the last")
    last_real = [str(b.get("student_id")) for b in binds if not b.get("placeholder_id")]
    row.student_id = (last_real[-1] if last_real else "") or _static_id(sources) or fallback_id

    task_names = []
    for name in [str(b.get("task")) for b in binds] + static_tasks:
        if name in ALL_TASKS and name not in task_names:
            task_names.append(name)
    if not task_names:
        row.reasons.append("no exercise set was bound (e.g. `ex = task1.bind(STUDENT_ID)`); nothing to grade")
    sweep_ran = any(item.get("event") == "sweep_done" for item in lines)
    _score(lines, row, task_names, stopped=not sweep_ran)
    if status == OK and not binds and task_names:
        row.reasons.append("the exercise set was never bound: did the setup cell run?")
    return row


# --- a folder ---------------------------------------------------------------------------
def submissions(folder) -> list[Path]:
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions folder {root}")
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _roster_ids(roster) -> list[str]:
    from .datasets import read_roster
    return read_roster(roster)["student_id"].tolist()


def gradebook(rows: list[Row], roster_ids: list[str] | None = None) -> pd.DataFrame:
    seen: dict[str, int] = {}
    for r in rows:
        key = seeds.normalise_id(r.student_id)
        seen[key] = seen.get(key, 0) + 1
    for r in rows:
        n = seen[seeds.normalise_id(r.student_id)]
        if n > 1:
            r.reasons.append(f"the same student id is in {n} notebooks")
    if roster_ids is not None:
        known = {seeds.normalise_id(s) for s in roster_ids}
        for r in rows:
            if r.status != CORRUPT and seeds.normalise_id(r.student_id) not in known:
                r.reasons.append("student id not on the roster (花名册)")
        for sid in roster_ids:
            if seeds.normalise_id(sid) not in seen:
                rows.append(Row(file="", student_id=sid, status=MISSING, reasons=["no notebook submitted (未提交)"]))
    records = [r.as_dict() for r in rows]
    columns = ["student_id", "file", "status", "tasks"]
    qcols: list[str] = []
    for name in ALL_TASKS:
        for r in records:
            for key in r:
                if key.startswith(f"{name}:") and key not in qcols:
                    qcols.append(key)
    ordered = []
    for name in ALL_TASKS:
        try:
            ids = [q.id for q in get_task(name).questions]
        except Exception:
            ids = []
        group = [c for c in qcols if c.startswith(f"{name}:")]
        group.sort(key=lambda c: ids.index(c.split(":", 1)[1]) if c.split(":", 1)[1] in ids else len(ids))
        ordered += group
    columns += ordered + ["total", "max", "teacher_graded", "reasons", "seconds"]
    return pd.DataFrame(records, columns=columns)


def write_csv_atomic(df: pd.DataFrame, out_csv) -> Path:
    """``utf-8-sig`` so Excel on Chinese Windows opens it; complete or not at all."""
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        df.to_csv(tmp, index=False, encoding="utf-8-sig")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def grade(submissions_dir, out_csv, timeout: float = DEFAULT_TIMEOUT, roster=None,
          keep_executed=None, report=None, stop_on_error: bool = False) -> pd.DataFrame:
    """Grade every ``*.ipynb`` under ``submissions_dir`` into ``out_csv``; returns the gradebook.

    ``timeout`` is seconds per notebook; ``roster`` (optional CSV) adds a row for
    each student without a submission; ``keep_executed`` is a folder for the
    executed notebooks; ``report(line)`` is called after each notebook. By default a
    cell that raises does not stop the notebook (nbgrader's habit: later answers
    still count, the row says "crashed" and which cell); ``stop_on_error=True``
    grades only what ran before the first error.
    """
    paths = submissions(submissions_dir)
    roster_ids = _roster_ids(roster) if roster is not None else None
    keep = Path(keep_executed) if keep_executed else None
    rows = []
    for i, path in enumerate(paths, 1):
        try:
            row = grade_notebook(path, timeout=timeout, keep_dir=keep, stop_on_error=stop_on_error)
        except Exception as exc:  # belt and braces: the run goes on
            row = Row(file=path.name, student_id=path.stem, status=CRASHED,
                      reasons=[f"grader error: {type(exc).__name__}: {_first_line(exc)}"])
        rows.append(row)
        if report:
            total = f"{sum(row.points.values()):g}/{row.max_points:g}" if row.tasks else "-"
            report(f"[{i}/{len(paths)}] {row.file}: {row.student_id} {row.status} {total} ({row.seconds:.1f} s)")
    book = gradebook(rows, roster_ids)
    write_csv_atomic(book, out_csv)
    return book


if __name__ == "__main__":  # pragma: no cover - convenience: python -m courier_sim.exercises.grading DIR OUT
    grade(sys.argv[1], sys.argv[2], report=print)
