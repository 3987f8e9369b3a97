"""The command line: exports, byte-identical reruns, one-line errors."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from courier_sim import cli, records

SMALL = ["--customers", "60", "--days", "20", "--seed", "5"]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "courier_sim.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_simulate_writes_every_table_and_the_scenario(tmp_path):
    out = tmp_path / "run"
    assert cli.main(["simulate", "--out", str(out), *SMALL]) == 0
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t}.csv" for t in records.TABLES} | {"scenario.json"}
    scenario = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert scenario["customers"] == 60 and scenario["seed"] == 5
    shipments = pd.read_csv(out / "shipments.csv", encoding="utf-8-sig")
    assert list(shipments.columns) == list(records.Shipment._fields)
    assert shipments["created"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").all()
    outcomes = set(shipments["outcome"])
    assert outcomes <= set(records.OUTCOMES) and "on_time" in outcomes


def test_two_runs_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        assert cli.main(["simulate", "--out", str(tmp_path / name), *SMALL]) == 0
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


@pytest.mark.parametrize("fmt, suffix", [("parquet", ".parquet"), ("xlsx", ".xlsx")])
def test_other_formats(tmp_path, fmt, suffix):
    out = tmp_path / fmt
    assert cli.main(["simulate", "--out", str(out), "--format", fmt, *SMALL]) == 0
    reader = pd.read_parquet if fmt == "parquet" else pd.read_excel
    customers = reader(out / f"customers{suffix}")
    assert len(customers) > 60


@pytest.mark.parametrize("args, words", [
    (["simulate", "--out", "x", "--days", "3"], "days: 3 is out of range; allowed from 7 to 1100"),
    (["simulate", "--out", "x", "--seed", "abc"], "--seed must be a whole number"),
    (["simulate", "--out", "x", "--start", "2024-31-01"], "--start must be a date"),
    (["simulate", "--out", "x", "--preset", "nope"], "preset: 'nope' is not a preset"),
    (["simulate", "--out", "x", "--set", "custmers=3"], "did you mean 'customers'"),
    (["simulate", "--out", "x", "--format", "doc"], "invalid choice"),
    (["simulate"], "--out"),
])
def test_bad_arguments_give_one_line_and_no_traceback(tmp_path, args, words):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_refuses_to_replace_a_folder_with_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    assert cli.main(["simulate", "--out", str(tmp_path), *SMALL]) == 2
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_presets_lists_each_preset_with_a_description(capsys):
    from courier_sim import PRESETS
    assert cli.main(["presets"]) == 0
    out = capsys.readouterr().out
    for name, p in PRESETS.items():
        assert name in out and p.description in out


def test_exercise_tools_are_subcommands_of_courier_sim(capsys):
    """The teacher's tools are reached through `courier-sim`, as the README and teacher guide say."""
    for command in ("build-exercises", "class-datasets", "grade"):
        with pytest.raises(SystemExit) as done:
            cli.main([command, "--help"])
        assert done.value.code == 0
        assert f"courier-sim {command}" in capsys.readouterr().out


def test_build_exercises_check_passes_on_the_shipped_course(capsys):
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    code = cli.main(["build-exercises", "--solutions", str(root / "solutions"), "--out", str(root / "exercises"), "--check"])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["grade", "--submissions", "nowhere", "--out", "book.csv"], "nowhere"),
    (["grade", "--submissions", ".", "--out", "book.csv", "--timeout", "0"], "--timeout must be a positive"),
    (["class-datasets", "--roster", "missing.csv", "--out", "c"], "missing.csv"),
])
def test_exercise_tools_bad_arguments_give_one_line(tmp_path, args, words):
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert not (tmp_path / "book.csv").exists() and not (tmp_path / "c").exists()
