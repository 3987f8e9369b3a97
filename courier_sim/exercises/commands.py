"""What the ``courier-sim`` subcommands for exercises do (``cli`` parses, these act).

Each takes the argparse namespace and returns an exit code; problems the user
can fix are raised as ``ValueError`` / ``FileNotFoundError`` /
``FileExistsError`` with a one-line message, which ``cli.main`` prints.

``add_arguments(subparsers)`` declares the three subcommands, so the CLI only
has to call it and map the names to these functions (``COMMANDS``).
"""
from __future__ import annotations

from pathlib import Path


def add_arguments(sub) -> None:
    """Declare build-exercises, grade and class-datasets on an argparse subparsers object."""
    b = sub.add_parser("build-exercises", help="write exercises/ from solutions/ (answers replaced by placeholders)")
    b.add_argument("--solutions", default="solutions", help="folder of solution notebooks (default solutions)")
    b.add_argument("--out", default="exercises", help="folder for the students' notebooks (default exercises)")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if exercises/ is out of date")

    g = sub.add_parser("grade", help="run every submitted notebook in its own kernel and write a gradebook CSV")
    g.add_argument("--submissions", required=True, help="folder of submitted .ipynb files")
    g.add_argument("--out", required=True, help="gradebook CSV to write (e.g. gradebook.csv)")
    g.add_argument("--timeout", type=float, default=180, help="seconds allowed per notebook (default 180)")
    g.add_argument("--roster", default=None, help="optional roster CSV: flags unknown ids and missing submissions")
    g.add_argument("--keep-executed", default=None, metavar="DIR", help="also save the executed notebooks here")
    g.add_argument("--stop-on-error", action="store_true",
                   help="grade only what ran before a notebook's first error (default: run every cell)")

    d = sub.add_parser("class-datasets", help="write each student's dataset and the teacher's answer sheet")
    d.add_argument("--roster", required=True, help="CSV or XLSX with a student_id (学号) column, optional name (姓名)")
    d.add_argument("--out", required=True, help="folder to write (created; replaced only if it holds a previous run)")
    d.add_argument("--format", default="csv", choices=("csv", "xlsx", "parquet"), help="file format (default csv)")
    d.add_argument("--tasks", nargs="+", default=None, metavar="TASK",
                   help="exercise sets, e.g. task1 task2 (default: every set available)")
    d.add_argument("--processes", type=int, default=None, metavar="N",
                   help="students written at once, one per process (default: one per core, at most 4)")


def build_exercises_command(args) -> int:
    from .build import build_all, differences
    if args.check:
        problems = differences(args.solutions, args.out)
        for line in problems:
            print(f"out of date: {line}")
        if problems:
            print("Run `courier-sim build-exercises` to rebuild the exercises.")
            return 1
        print(f"{args.out} is up to date with {args.solutions}.")
        return 0
    written = build_all(args.solutions, args.out)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} exercise notebook(s) written; {args.out} is up to date.")
    return 0


def grade_command(args) -> int:
    from .grading import grade
    if args.timeout <= 0:
        raise ValueError("--timeout must be a positive number of seconds")
    book = grade(args.submissions, args.out, timeout=args.timeout, roster=args.roster,
                 keep_executed=args.keep_executed, report=print,
                 stop_on_error=args.stop_on_error)
    counts = book["status"].value_counts().to_dict()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"Graded {len(book)} row(s) ({summary}); gradebook written to {Path(args.out)}")
    return 0


def class_datasets_command(args) -> int:
    from .datasets import class_datasets
    out = class_datasets(args.roster, args.out, fmt=args.format, tasks=args.tasks, report=print,
                         processes=args.processes)
    print(f"Wrote each student's tables and answer_sheet.csv to {out} (keep the answer sheet from students).")
    return 0


COMMANDS = {
    "build-exercises": build_exercises_command,
    "grade": grade_command,
    "class-datasets": class_datasets_command,
}
