"""The teacher's switches: environment variables and an optional ``courier_lab.json``.

Students never need to touch any of this; a teacher sets it once for a class.

Environment variables (they win over the file):

- ``COURIER_LAB_STRICT=1`` - ``check()`` raises ``AssertionError`` unless the
  answer passes (CI proves solutions pass and untouched exercises do not).
- ``COURIER_LAB_UNLOCK=1`` - every ``solution()`` is shown, whatever the lock.
- ``COURIER_LAB_RESULTS=path`` - each check also appends one JSON line to this
  file (the grader sets it for the kernel that runs a submission).
- ``COURIER_LAB_SALT=text`` - the course salt mixed into each student's seed.
- ``COURIER_LAB_CONFIG=path`` - where the teacher's JSON file is.

``courier_lab.json`` (found in the working folder or a parent folder)::

    {
      "salt": "2025-autumn",                       # new data for a new term
      "lock_solutions": true,                      # solution() locked until unlocked
      "solutions_unlock": "2025-11-30",            # ... or until this date
      "solutions_unlock": {"task1": "2025-10-10"}  # ... or a date per task
    }
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CONFIG_NAME = "courier_lab.json"
DEFAULT_SALT = "courier-lab"

ENV_STRICT = "COURIER_LAB_STRICT"
ENV_UNLOCK = "COURIER_LAB_UNLOCK"
ENV_RESULTS = "COURIER_LAB_RESULTS"
ENV_SALT = "COURIER_LAB_SALT"
ENV_CONFIG = "COURIER_LAB_CONFIG"

_TRUE = {"1", "true", "yes", "on"}


def flag(name: str) -> bool:
    """An on/off environment switch ("1", "true", "yes", "on" mean on)."""
    return os.environ.get(name, "").strip().lower() in _TRUE


def strict() -> bool:
    return flag(ENV_STRICT)


def results_path() -> Path | None:
    value = os.environ.get(ENV_RESULTS, "").strip()
    return Path(value) if value else None


@dataclass(frozen=True)
class LabConfig:
    """What the teacher decided for this class (defaults: no lock, default salt)."""
    salt: str = DEFAULT_SALT
    lock_solutions: bool = False
    unlock: dict = field(default_factory=dict)   # task name (or "*") -> date
    source: Path | None = None
    problem: str = ""                            # a broken file is reported, never raised

    def unlock_date(self, task: str) -> date | None:
        return self.unlock.get(task) or self.unlock.get("*")


def _find_file() -> Path | None:
    explicit = os.environ.get(ENV_CONFIG, "").strip()
    if explicit:
        return Path(explicit)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _parse_date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date like 2025-11-30") from None


def load() -> LabConfig:
    """Read the teacher's settings; a broken file gives defaults plus a ``problem`` note.

    Read on every call (it is tiny) so a teacher's change applies without a restart.
    """
    path = _find_file()
    data: dict = {}
    problem = ""
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(data, dict):
                raise ValueError("the file must hold a JSON object {...}")
        except (OSError, ValueError) as exc:
            data, problem = {}, f"{path}: {exc}"
    unlock: dict = {}
    try:
        raw = data.get("solutions_unlock")
        if isinstance(raw, dict):
            unlock = {str(k): _parse_date(v, f"solutions_unlock[{k!r}]") for k, v in raw.items()}
        elif raw:
            unlock = {"*": _parse_date(raw, "solutions_unlock")}
    except ValueError as exc:
        problem = f"{path}: {exc}"
    salt = os.environ.get(ENV_SALT, "").strip() or str(data.get("salt") or DEFAULT_SALT)
    lock = bool(data.get("lock_solutions", False)) or bool(unlock)
    return LabConfig(salt=salt, lock_solutions=lock, unlock=unlock, source=path, problem=problem)


def solution_lock(task: str, today: date | None = None) -> str:
    """Why ``solution()`` is locked for ``task`` now, or "" when it is open."""
    if flag(ENV_UNLOCK):
        return ""
    cfg = load()
    if not cfg.lock_solutions:
        return ""
    when = cfg.unlock_date(task)
    today = today or date.today()
    if when is not None and today >= when:
        return ""
    if when is not None:
        return f"the worked solution (参考答案) opens on {when.isoformat()}"
    return "your teacher has locked the worked solutions (参考答案) for now"
