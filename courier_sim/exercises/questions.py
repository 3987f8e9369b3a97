"""Questions and tasks, learntools-style: ``check()``, ``hint()``, ``solution()``.

A ``Task`` is a numbered set of ``Question``s plus the scenario its data comes
from. ``task.bind(student_id)`` gives an ``Exercise``: the student's own
dataset (``.data``) and the questions bound to it (``.q1``, ``.q2``...). Each
bound question computes its expected answer from that same dataset, so every
student has different numbers and the checks still know the right ones.

Learner-facing promise: ``check()`` never raises (unless the teacher turned on
strict mode); whatever the student hands in, it prints one or two friendly
sentences saying what is right or wrong.
"""
from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

from . import compare, config, data as datamod, results, seeds
from .compare import Verdict

_MISSING = object()

ICONS = {
    compare.CORRECT: "✅", compare.WRONG: "❌", compare.UNANSWERED: "✏️",
    compare.INVALID: "⚠️", compare.SUBMITTED: "📝", compare.ERROR: "🛠️",
}


@dataclass
class Question:
    """One exercise question: what is asked, how the right answer is computed and judged.

    ``expected(data)`` receives the student's dataset (a ``Result`` without the
    latent columns) and returns the right answer. ``var`` is the notebook
    variable the answer is stored in: ``check()`` with no argument reads it,
    the builder keeps it in the placeholder, the grader re-checks it at the end.
    ``call(data)``, when given, makes this a "write a function" question: the
    student's answer is a function, called with the tuple ``call`` returns.
    """
    id: str
    text: str
    expected: Callable[[Any], Any] | None = None
    kind: compare.Kind = field(default_factory=compare.Number)
    points: float = 1
    hints: tuple[str, ...] | str = ()
    solution: str = ""
    var: str | None = None
    title: str = ""
    title_zh: str = ""
    call: Callable[[Any], tuple] | None = None

    def __post_init__(self):
        if isinstance(self.hints, str):
            self.hints = (self.hints,)
        self.hints = tuple(self.hints)
        if self.expected is None and not isinstance(self.kind, (compare.TeacherGraded, compare.Keywords)):
            raise ValueError(f"question {self.id}: needs an expected(data) function for a {self.kind.label} answer")

    @property
    def auto_graded(self) -> bool:
        return not isinstance(self.kind, compare.TeacherGraded)

    @property
    def heading(self) -> str:
        name = self.title or self.id
        return f"{self.id.upper()} · {name}" + (f" ({self.title_zh})" if self.title_zh else "")


class Task:
    """A set of questions on one dataset: ``Task("task1", "Customer analysis", [...])``."""

    def __init__(self, name: str, title: str, questions, *, title_zh: str = "",
                 scenario: dict | None = None, hidden: dict | None = None):
        self.name, self.title, self.title_zh = name, title, title_zh
        self.questions: list[Question] = list(questions)
        self.scenario = {**datamod.DEFAULT_SCENARIO, **(scenario or {})}
        self.hidden = datamod.HIDDEN_COLUMNS if hidden is None else hidden
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"task {name}: question ids repeat: {ids}")
        names = [q.var for q in self.questions if q.var]
        if len(set(names)) != len(names):
            raise ValueError(f"task {name}: two questions share an answer variable: {names}")

    def __repr__(self) -> str:
        return f"Task({self.name!r}, {len(self.questions)} questions)"

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions if q.auto_graded)

    def seed(self, student_id) -> int:
        return seeds.student_seed(student_id, self.name)

    def dataset(self, student_id):
        """The student's dataset as they see it (a fresh copy each call)."""
        return datamod.student_view(datamod.simulate_spec(self.scenario, self.seed(student_id)), self.hidden)

    def bind(self, student_id=None, quiet: bool = False) -> "Exercise":
        """The questions bound to ``student_id``'s own data (学号 → 数据集)."""
        return Exercise(self, student_id, quiet=quiet)

    def answers(self, student_id) -> dict[str, Any]:
        """Expected answers for one student (the teacher's answer sheet)."""
        ex = Exercise(self, student_id, quiet=True, register=False)
        return {q.id: ex.question(q.id)._expected_answer() for q in self.questions}


class Exercise:
    """A task bound to one student: ``.data``, ``.student_id``, ``.seed`` and ``.q1``..."""

    def __init__(self, task: Task, student_id=None, quiet: bool = False, register: bool = True):
        self.task = task
        self.placeholder_id = seeds.is_placeholder(student_id)
        self.student_id = seeds.DEMO_ID if self.placeholder_id else str(student_id).strip()
        self.seed = task.seed(self.student_id)
        full = datamod.simulate_spec(task.scenario, self.seed)
        self.data = datamod.student_view(full, task.hidden)        # the student's copy: theirs to change
        self._reference = datamod.student_view(full, task.hidden)  # the checker's copy
        self._questions = {q.id: BoundQuestion(q, self) for q in task.questions}
        if register:
            results.note_bind(self)
        if not quiet:
            self._welcome()

    def _welcome(self) -> None:
        title = f"{self.task.title} ({self.task.title_zh})" if self.task.title_zh else self.task.title
        if self.placeholder_id:
            print("✏️ Put your student id (学号) in STUDENT_ID at the top and run this cell again; "
                  "until then you are working on the demo dataset.")
        c = self.data.customers
        ours = int(c["joined"].notna().sum()) if "joined" in c.columns else len(c)
        print(f"{title}: dataset for student {self.student_id!r} (seed {self.seed}), "
              f"{ours} customers, {len(self.data.shipments):,} parcels over {self.task.scenario['days']} days. "
              f"{len(self._questions)} questions.")
        problem = config.load().problem
        if problem:
            print(f"⚠️ The teacher's settings file could not be read ({problem}); using defaults.")

    def question(self, qid: str) -> "BoundQuestion":
        return self._questions[qid]

    @property
    def questions(self) -> list["BoundQuestion"]:
        return list(self._questions.values())

    def __getattr__(self, name: str):
        questions = self.__dict__.get("_questions", {})
        if name in questions:
            return questions[name]
        raise AttributeError(f"{type(self).__name__} has no question or attribute {name!r}; "
                             f"questions: {', '.join(questions)}")

    def __dir__(self):
        return [*super().__dir__(), *self._questions]

    def __repr__(self) -> str:
        return f"<{self.task.name} for {self.student_id!r}: {', '.join(self._questions)}>"

    def progress(self) -> None:
        """Print where each question stands (进度), with points."""
        got = 0.0
        for q in self.task.questions:
            rec = results.RESULTS.get((self.task.name, q.id))
            status = rec.status if rec else "not checked yet"
            icon = ICONS.get(status, "·")
            pts = rec.points if rec else 0
            if q.auto_graded:
                got += pts
                mark = f"{pts:g}/{q.points:g}"
            else:
                mark = "teacher-graded (教师评阅)"
            print(f"{icon} {q.heading}: {status} - {mark}")
        print(f"Total (总分): {got:g} / {self.task.max_points:g}")


class BoundQuestion:
    """One question on one student's data: ``check()``, ``hint()``, ``solution()``."""

    def __init__(self, question: Question, exercise: Exercise):
        self.q, self.exercise = question, exercise
        self._expected: Any = _MISSING
        self._expected_error: str = ""
        self._hints_shown = 0

    # what the notebook shows ---------------------------------------------------------
    @property
    def id(self) -> str:
        return self.q.id

    def __repr__(self) -> str:
        return f"<{self.exercise.task.name}.{self.q.id} ({self.q.points:g} points)>"

    def _repr_markdown_(self) -> str:
        return f"**{self.q.heading}** ({self.q.points:g} points)\n\n{self.q.text}"

    def show(self) -> None:
        print(f"{self.q.heading} ({self.q.points:g} points)\n{self.q.text}")

    # the right answer ---------------------------------------------------------------
    def _expected_answer(self):
        """The right answer on this student's data (for the checker and the answer sheet)."""
        if self._expected is _MISSING:
            self._expected = None if self.q.expected is None else self.q.expected(self.exercise._reference)
        return self._expected

    # judging ------------------------------------------------------------------------
    def judge(self, answer) -> Verdict:
        """The verdict on ``answer``, never raising."""
        try:
            expected = self._expected_answer()
        except Exception as exc:  # a bug in the question, not the student's fault
            return Verdict(compare.ERROR, "The checker could not work out the expected answer (检查程序出错); "
                                          f"please tell your teacher. ({type(exc).__name__}: {exc})")
        try:
            answer, early = self._resolve(answer)
            if early is not None:
                return early
            return self.q.kind.judge(answer, expected)
        except Exception as exc:  # an answer so odd that comparing it failed
            return compare.invalid(f"I could not make sense of your answer ({compare.describe(answer)}): "
                                   f"{type(exc).__name__}. Check that it is the kind of value the question asks for.")

    def _resolve(self, answer):
        """Unwrap placeholders and function answers; ``(answer, verdict or None)``."""
        if answer is Ellipsis:
            return answer, compare.unanswered()
        if self.q.call is not None:
            if not callable(answer):
                return answer, compare.invalid(f"This question wants a function (函数), defined with `def`; "
                                               f"you gave {compare.describe(answer)}.")
            try:
                args = self.q.call(datamod.student_view(self.exercise._reference, {}))
                answer = answer(*args)
            except Exception as exc:
                return answer, compare.invalid(f"Your function stopped with an error (运行出错) "
                                               f"{type(exc).__name__}: {_one_line(exc)}. Fix it and run its cell again.")
            if answer is Ellipsis:
                return answer, compare.unanswered("Not answered yet (未完成): your function still returns `...`.")
            if answer is None:
                return answer, compare.invalid("Your function returned None (空值): did you forget `return`?")
        elif callable(answer):
            return answer, compare.invalid("You gave a function or method (函数), not its result: "
                                           "did you forget the brackets `()` at the end, e.g. `.sum()`?")
        if answer is None:
            return answer, compare.invalid("Your answer is None (空值): did you forget to assign a value, or use a "
                                           "method that changes a table in place and returns None (inplace=True)?")
        return answer, None

    def check(self, answer=_MISSING, *, quiet: bool = False, source: str = "check") -> None:
        """Say whether ``answer`` is right (with no argument: the variable ``q.var``).

        Prints a friendly verdict and records it; never raises, except in strict
        mode (``COURIER_LAB_STRICT=1``), where anything but a pass raises
        ``AssertionError`` - that is how CI proves the solutions pass.
        """
        if answer is _MISSING:
            caller = sys._getframe(1)
            answer = self._lookup({**caller.f_globals, **caller.f_locals})
        if answer is _MISSING:
            verdict = compare.unanswered(f"Not answered yet (未完成): there is no variable `{self.q.var}` yet; "
                                         "run the cell with your answer first.")
        else:
            verdict = self.judge(answer)
        points = round(self.q.points * verdict.score, 4) if self.q.auto_graded else 0.0
        results.record(results.Record(
            task=self.exercise.task.name, question=self.q.id, student_id=self.exercise.student_id,
            status=verdict.status, score=verdict.score, points=points,
            max_points=self.q.points if self.q.auto_graded else 0.0,
            message=verdict.message, source=source))
        if not quiet:
            print(f"{ICONS.get(verdict.status, '')} {self.q.heading}: {verdict.message}")
        if source == "check" and config.strict() and not verdict.passed:
            raise AssertionError(f"{self.exercise.task.name}.{self.q.id} ({verdict.status}): {verdict.message}")

    def _lookup(self, namespace: dict):
        if not self.q.var:
            return _MISSING
        if self.q.var in namespace:
            return namespace[self.q.var]
        try:
            return results._user_namespace().get(self.q.var, _MISSING)
        except Exception:
            return _MISSING

    # help ---------------------------------------------------------------------------
    def hint(self, n: int | None = None) -> None:
        """Show the next hint (提示), or hint number ``n``."""
        hints = self.q.hints
        if not hints:
            print(f"💡 {self.q.heading}: no hint for this one - reread the question and look at the columns you need.")
            return
        if n is None:
            n = min(self._hints_shown + 1, len(hints))
        n = max(1, min(int(n), len(hints)))
        self._hints_shown = max(self._hints_shown, n)
        more = f" (hint {n} of {len(hints)}; call hint() again for the next)" if n < len(hints) else \
               (f" (hint {n} of {len(hints)})" if len(hints) > 1 else "")
        print(f"💡 Hint (提示){more}: {hints[n - 1]}")

    def solution(self) -> None:
        """Show the worked solution (参考答案), unless the teacher has locked it."""
        why = config.solution_lock(self.exercise.task.name)
        if why:
            print(f"🔒 {self.q.heading}: {why}. Try `hint()` in the meantime. "
                  f"(Teachers: set COURIER_LAB_UNLOCK=1, or change solutions_unlock in {config.CONFIG_NAME}.)")
            return
        if not self.q.solution:
            print(f"📖 {self.q.heading}: no worked solution is stored for this question; ask your teacher.")
            return
        print(f"📖 Solution (参考答案) for {self.q.heading}:\n{textwrap.dedent(self.q.solution).strip()}")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return first[:200]
