"""Wall time and peak memory of every course notebook, each on a fresh kernel.

Scenario: a teacher wants to know how long each lesson, exercise and
solution takes to run top to bottom before projecting it, and whether a
classroom server with 40 kernels has the memory for it. Each notebook runs
in its own folder (as nbval and JupyterLab run it) on a new kernel; the
kernel's peak resident memory is read from ``/proc/<pid>/status`` (VmHWM)
after the last cell, or, where /proc is missing, from a final cell that asks
the kernel for ``resource.getrusage(...).ru_maxrss``. "workers MB" is the
largest worker process the notebook started (the trainer page runs its
presets in parallel with ``courier_sim.batch``): memory a machine needs on
top of the kernel's own while those run.

Run: ``python benchmarks/notebooks.py [PATH ...]`` (default: every notebook in
notebooks/, solutions/ and exercises/). Prints a table; asserts nothing, and a
failing notebook is reported as such rather than stopping the run.
Environment variables reach the kernels, e.g. ``COURIER_LAB_STRICT=1`` to run
solutions in strict mode.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "solutions", "exercises")
PEAK_CELL = "import resource as _r; print(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"  # KiB on Linux
# the largest worker process a notebook started (courier_sim.batch), which the kernel's own peak leaves out
CHILD_PEAK_CELL = "import resource as _r; print(_r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss)"


def default_paths() -> list[Path]:
    paths = []
    for folder in FOLDERS:
        paths += sorted(p for p in (ROOT / folder).glob("*.ipynb") if not p.name.startswith("."))
    return paths


def _kernel_pid(client: NotebookClient) -> int | None:
    km = client.km
    process = getattr(getattr(km, "provisioner", None), "process", None)
    pid = getattr(process, "pid", None)
    if pid is None:
        pid = getattr(getattr(km, "kernel", None), "pid", None)
    return pid


def _vm_hwm_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def _peak_from_kernel(client: NotebookClient, nb, code: str = PEAK_CELL) -> float | None:
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(nb.cells) - 1)
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        return int(text.split()[-1]) / 1024.0
    except Exception:  # noqa: BLE001 - a benchmark reports, it does not fail
        return None


def run_notebook(path: Path, timeout: int) -> dict:
    """Execute one notebook on a fresh kernel: cells, start-up and run seconds, peak MB, status."""
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(c.cell_type == "code" for c in nb.cells)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    status, peak = "ok", None
    t0 = time.perf_counter()
    client.reset_execution_trackers()
    with client.setup_kernel():
        started = time.perf_counter()
        try:
            for index, cell in enumerate(list(nb.cells)):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except CellTimeoutError:
            status = f"timeout after {timeout} s"
        except CellExecutionError as error:
            status = f"FAILED: {getattr(error, 'ename', 'error')}: {getattr(error, 'evalue', '')}"[:100]
        finished = time.perf_counter()
        peak = _vm_hwm_mb(_kernel_pid(client))
        if peak is None:
            peak = _peak_from_kernel(client, nb)
        workers = _peak_from_kernel(client, nb, CHILD_PEAK_CELL)
    return {"notebook": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "cells": code_cells,
            "start_s": started - t0, "run_s": finished - started, "peak_mb": peak,
            "worker_mb": workers or None, "status": status}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks to run (default: all course notebooks)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default 600)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or default_paths()
    if not paths:
        print("no notebooks found")
        return 0
    width = max(len(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)) for p in paths)
    print(f"{'notebook':<{width}}  {'cells':>5}  {'start s':>7}  {'run s':>6}  {'peak MB':>7}  {'workers MB':>10}  status")
    total = 0.0
    for path in paths:
        row = run_notebook(path, args.timeout)
        total += row["run_s"]
        peak = "?" if row["peak_mb"] is None else f"{row['peak_mb']:.0f}"
        workers = "-" if row["worker_mb"] is None else f"{row['worker_mb']:.0f}"
        print(f"{row['notebook']:<{width}}  {row['cells']:>5}  {row['start_s']:>7.1f}  {row['run_s']:>6.1f}  {peak:>7}  "
              f"{workers:>10}  {row['status']}", flush=True)
    print(f"{'total run time':<{width}}  {'':>5}  {'':>7}  {total:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
