"""Exercise sets by name: "task1" ... "task5", "capstone", and "demo".

Each set is a module of this package defining ``TASK`` (a ``questions.Task``)
and ``bind = TASK.bind``; the registry imports it on first use, so a course
can ship with some tasks still missing and the tools report which exist.
"""
from __future__ import annotations

import importlib

COURSE_TASKS = ("task1", "task2", "task3", "task4", "task5", "capstone")
ALL_TASKS = ("demo",) + COURSE_TASKS


class UnknownTask(ValueError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def get_task(name: str):
    """The ``Task`` called ``name`` (e.g. "task1")."""
    key = str(name).strip().lower()
    if key not in ALL_TASKS:
        raise UnknownTask(f"unknown exercise set {name!r}; known: {', '.join(ALL_TASKS)}")
    try:
        module = importlib.import_module(f"{__package__}.{key}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{key}":
            raise
        raise UnknownTask(f"the exercise set {key!r} is not written yet; available: "
                          f"{', '.join(available_tasks(include_demo=True)) or 'none'}") from None
    return module.TASK


def available_tasks(include_demo: bool = False) -> list[str]:
    """Names of the sets that exist in this installation, in course order."""
    names = ALL_TASKS if include_demo else COURSE_TASKS
    found = []
    for name in names:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue
            raise
        found.append(name)
    return found


def bind(task: str, student_id=None, quiet: bool = False):
    """``bind("task1", "s001")``: the questions of ``task`` on the student's own data."""
    return get_task(task).bind(student_id, quiet=quiet)
