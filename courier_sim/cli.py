"""``courier-sim``: the command line for teachers, trainers and CI.

Subcommands: ``simulate`` (run and export a dataset), ``presets`` (list the
classroom scenarios), ``validate`` (the realism report), ``lab`` (open the
course in JupyterLab), and the teacher's exercise tools ``build-exercises``,
``class-datasets`` and ``grade`` (declared in ``exercises.commands``). Bad
arguments end with one line naming the problem and a non-zero exit, never a
traceback.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from .exercises import commands as exercise_commands

EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(message)


def _int_in(name: str):
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"--{name} must be a whole number, not {text!r}") from None
    return parse


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--start must be a date like 2024-12-01, not {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="courier-sim", description="Courier Customer Lab: simulate a courier branch's customers (快递客户管理).")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    sim = sub.add_parser("simulate", help="run a scenario and write its tables")
    sim.add_argument("--out", required=True, help="folder to write (created; replaced only if it holds a previous export)")
    sim.add_argument("--preset", default="baseline", help="named scenario (see `courier-sim presets`)")
    sim.add_argument("--customers", type=_int_in("customers"), help="our customers on day 1")
    sim.add_argument("--days", type=_int_in("days"), help="days to simulate")
    sim.add_argument("--start", type=_iso_date, help="first day, YYYY-MM-DD")
    sim.add_argument("--seed", type=_int_in("seed"), help="random seed")
    sim.add_argument("--format", default="csv", choices=("csv", "parquet", "xlsx"), help="file format (default csv)")
    sim.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="any scenario field, e.g. --set service_staff=5")

    sub.add_parser("presets", help="list the named scenarios")

    val = sub.add_parser("validate", help="print the realism report (calibration targets)")
    val.add_argument("--seed", type=_int_in("seed"), help="random seed")

    lab = sub.add_parser("lab", help="open the course in JupyterLab")
    lab.add_argument("--port", type=_int_in("port"), default=None)
    lab.add_argument("--notebook", default="00_start_here.ipynb")

    exercise_commands.add_arguments(sub)
    return parser


def _scenario_from(args):
    from .scenario import preset
    fields = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--set expects FIELD=VALUE, got {item!r}")
        fields[name.strip()] = value.strip()  # the scenario validates names and values
    for name in ("customers", "days", "start", "seed"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    return preset(args.preset, **fields)


def cmd_simulate(args) -> int:
    from . import export
    from .result import simulate
    scenario = _scenario_from(args)
    result = simulate(scenario)
    out = export.write_tables(result.tables, scenario.to_json(), args.out, args.format)
    print(result.summary())
    print(f"Wrote {len(result.tables)} tables and scenario.json to {out}")
    return 0


def cmd_presets(args) -> int:
    from .scenario import PRESETS
    width = max(map(len, PRESETS))
    for name, p in PRESETS.items():
        print(f"{name:<{width}}  {p.description} ({p.description_zh})")
    return 0


def cmd_validate(args) -> int:
    from .calibration import calibration_scenario, report
    from .result import simulate
    fields = {} if args.seed is None else {"seed": args.seed}
    table = report(simulate(calibration_scenario(**fields)))
    for row in table.itertuples():
        print(f"{row.code:<4} {row.verdict:<8} {row.figure}: {row.value}  [band {row.band}]")
    return 0


def course_root() -> Path:
    """The folder holding notebooks/: the working directory, or the source checkout."""
    for root in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if (root / "notebooks").is_dir():
            return root
    raise UsageError("cannot find the notebooks/ folder; run this from the course folder")


def cmd_lab(args) -> int:
    root = course_root()
    notebook = root / "notebooks" / args.notebook
    if not notebook.exists():
        raise UsageError(f"no notebook {notebook}")
    jupyter = shutil.which("jupyter") or "jupyter"
    command = [jupyter, "lab", str(notebook.relative_to(root)), f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    if args.port:
        command.append(f"--port={args.port}")
    return subprocess.call(command, cwd=root)


COMMANDS = {
    "simulate": cmd_simulate,
    "presets": cmd_presets,
    "validate": cmd_validate,
    "lab": cmd_lab,
    **exercise_commands.COMMANDS,
}


def main(argv=None) -> int:
    from .scenario import ScenarioError
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_USAGE
        return COMMANDS[args.command](args) or 0
    except (UsageError, ScenarioError, FileExistsError, NotADirectoryError, ValueError, FileNotFoundError) as exc:
        if os.environ.get("COURIER_SIM_DEBUG"):
            raise
        print(f"courier-sim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("courier-sim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
