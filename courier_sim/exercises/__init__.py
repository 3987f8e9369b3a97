"""Exercises: check / hint / solution for learners, and the teacher's tools.

In a notebook::

    from courier_sim.exercises import demo
    STUDENT_ID = "s001"            # your student id (学号)
    ex = demo.bind(STUDENT_ID)     # your own dataset: ex.data.customers, ex.data.shipments ...
    ...
    ex.q1.check()                  # or ex.q1.check(total_revenue); ex.q1.hint(); ex.q1.solution()

Modules: ``questions`` (Question, Task, check/hint/solution), ``compare``
(how each kind of answer is judged), ``seeds`` (student id -> seed),
``data`` (the student's dataset), ``config`` (teacher switches), ``results``
(recording checks), ``registry`` (sets by name), ``build`` (solutions ->
exercises), ``grading`` (gradebook), ``datasets`` (class datasets and answer
sheet), ``commands`` (the CLI's entry points), ``demo`` (the pattern set).
"""
from importlib import import_module

# Names resolve on first use (PEP 562): the CLI imports ``commands`` without pandas.
_EXPORTS = {
    **{name: "compare" for name in ("Choice", "Custom", "FrameMatch", "IdSet", "Keywords", "Number",
                                    "SeriesMatch", "TeacherGraded", "Verdict")},
    **{name: "questions" for name in ("BoundQuestion", "Exercise", "Question", "Task")},
    **{name: "registry" for name in ("ALL_TASKS", "COURSE_TASKS", "UnknownTask", "available_tasks", "bind",
                                     "get_task")},
    "student_seed": "seeds",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
