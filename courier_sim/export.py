"""Writing a run to disk: one file per table plus ``scenario.json``, all or nothing.

Like a courier sealing a parcel before it leaves the counter: files are
written into a hidden folder beside the target and moved into place only
when every one of them is complete, so a crash or a full disk never leaves a
half-written dataset that looks whole.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from . import xlsx
from .records import TABLES as _KNOWN_TABLES

FORMATS = ("csv", "parquet", "xlsx")
EXCEL_MAX_ROWS = xlsx.MAX_ROWS - 1  # the header takes a row


def iso_text(values) -> np.ndarray:
    """Date-times as ISO text to the second ("2024-12-01T09:30:00"), empty where missing.

    numpy formats a whole column at once; pandas' ``date_format`` goes value
    by value and took two thirds of the time of writing a year's shipments.
    """
    values = np.asarray(values, dtype="datetime64[ns]")
    text = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").astype(object)
    text[np.isnat(values)] = ""
    return text


def _write_csv(df, path: Path) -> None:
    dates = [c for c in df.columns if pd.api.types.is_datetime64_dtype(df[c])]  # naive, as ours are
    if dates:
        df = df.assign(**{c: iso_text(df[c]) for c in dates})
    # utf-8-sig so that Excel on Chinese Windows opens the file correctly
    df.to_csv(path, index=False, encoding="utf-8-sig")


def _write_parquet(df, path: Path) -> None:
    df.to_parquet(path, index=False)


def _write_xlsx(df, path: Path) -> None:
    if len(df) > EXCEL_MAX_ROWS:
        raise ValueError(f"{path.stem} has {len(df):,} rows, more than an Excel sheet holds; use csv or parquet")
    xlsx.write(path, {path.stem: df})


WRITERS = {"csv": _write_csv, "parquet": _write_parquet, "xlsx": _write_xlsx}


def check_fits(tables: dict, fmt: str) -> None:
    """Fail before writing anything if a table cannot be stored in this format."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not supported; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        for name, df in tables.items():
            if len(df) > EXCEL_MAX_ROWS:
                raise ValueError(f"table {name} has {len(df):,} rows, more than an Excel sheet holds "
                                 f"({EXCEL_MAX_ROWS:,}); use --format csv or parquet, or fewer customers/days")


def write_tables(tables: dict, scenario_json: str, directory, fmt: str = "csv") -> Path:
    """Write every table as ``<name>.<fmt>`` and the scenario as JSON, atomically."""
    check_fits(tables, fmt)
    target = Path(directory).resolve()
    _refuse_foreign_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-partial-", dir=target.parent))
    try:
        for name, df in tables.items():
            WRITERS[fmt](df, staging / f"{name}.{fmt}")
        (staging / "scenario.json").write_text(scenario_json + "\n", encoding="utf-8")
        swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _refuse_foreign_folder(target: Path) -> None:
    """Replacing a folder is only safe when it holds a previous export and nothing else."""
    if not target.exists():
        return
    if not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    names = {p.name for p in target.iterdir()}
    ours = {"scenario.json"} | {f"{t}.{f}" for t in _KNOWN_TABLES for f in FORMATS}
    if names and not ("scenario.json" in names and names <= ours):
        raise FileExistsError(f"{target} already holds other files; choose a new or empty folder")


def swap_into_place(staging: Path, target: Path) -> None:
    """Put a finished folder where ``target`` is; the previous one goes only once the new one is there."""
    if not target.exists():
        os.replace(staging, target)
        return
    retired = target.with_name(f".{target.name}-previous")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def write_workbook(tables: dict, scenario: dict, path) -> Path:
    """All tables in one Excel workbook, written to a temporary file and moved into place."""
    check_fits(tables, "xlsx")
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=f".{path.stem}-partial-", dir=path.parent)
    os.close(fd)
    try:
        settings = pd.DataFrame({"field": list(scenario), "value": [str(v) for v in scenario.values()]})
        xlsx.write(tmp, {"scenario": settings, **tables})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
