"""From a student id (学号) to a random seed: same id, same data; different ids, different data.

The seed is ``int(sha256("<salt>|<task>|<id>")[:8 bytes]) mod 2**31`` where

- ``id`` is the student id with surrounding spaces removed and letters in
  lower case (so "S001 " and "s001" are the same student);
- ``task`` is the exercise set's name ("task1" ... "capstone"), so each task
  gives a student a fresh dataset and one answer sheet cannot serve two tasks;
- ``salt`` is the course salt (``courier_lab.json`` "salt" or
  ``COURIER_LAB_SALT``; default "courier-lab"): a new salt for a new term
  gives every student new numbers.

SHA-256 rather than Python's ``hash()`` because ``hash()`` of a string changes
from one process to the next; the grader's kernel must derive the same seed
as the student's laptop.
"""
from __future__ import annotations

import hashlib

SEED_RANGE = 2**31  # the scenario's seed field accepts 0 .. 2**31 - 1

# Ids that mean "not filled in yet": the notebook still runs, on the demo dataset.
# "demo" is what solution notebooks carry, so an exercise whose id was never changed is flagged too.
PLACEHOLDER_IDS = {"", "...", "ellipsis", "none", "demo", "your-id", "your_id", "student_id", "学号", "xxx", "todo"}
DEMO_ID = "demo"


def normalise_id(student_id) -> str:
    """The canonical spelling of an id: trimmed text, lower case."""
    if student_id is None or student_id is Ellipsis:
        return ""
    if isinstance(student_id, float) and student_id.is_integer():
        student_id = int(student_id)  # 2023001.0 read from a spreadsheet
    return str(student_id).strip().lower()


def is_placeholder(student_id) -> bool:
    return normalise_id(student_id) in PLACEHOLDER_IDS


def student_seed(student_id, task: str, salt: str | None = None) -> int:
    """The seed of ``student_id``'s dataset for ``task`` (stable across machines and runs)."""
    if salt is None:
        from .config import load
        salt = load().salt
    text = f"{salt}|{task}|{normalise_id(student_id)}"
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % SEED_RANGE
