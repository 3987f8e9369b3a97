"""The lessons' dashboards in a real browser: JupyterLab for every lesson with a dashboard, Voilà for the trainer's.

Lessons are found, not listed: every ``notebooks/*.ipynb`` whose code builds a
scenario dashboard (``scenario_dashboard(`` or the ``courier-run-button``
class) is collected into ``DASHBOARD_NOTEBOOKS``, and every one using
``explorer(`` into ``EXPLORER_NOTEBOOKS``; each of them is opened once in
JupyterLab. A new lesson is tested as soon as it is in notebooks/. ``CONTROLS`` names, per notebook, which menu and slider
to change when the default (the first lever menu and slider) would not
change the result.
"""
from __future__ import annotations

import json

import nbformat
import pytest

from . import helpers
from .conftest import NOTEBOOKS

DASHBOARD_MARKERS = ("scenario_dashboard(", "courier-run-button")
EXPLORER_MARKERS = ("explorer(", "courier-explorer")
TRAINER_NOTEBOOK = "06_trainer_scenarios.ipynb"  # served by Voilà: `voila notebooks/06_trainer_scenarios.ipynb`
VOILA_NOTEBOOKS = [TRAINER_NOTEBOOK]
QUICK_LESSON = "05_customer_tiering.ipynb"  # reaches its dashboard in ~10 s: the one the broken-copy test breaks

# notebook name → keyword arguments of helpers.check_dashboard (``dropdown=``/``slider=`` CSS selectors,
# e.g. ".courier-param-care-plan"), for a dashboard whose first menu and slider would not change the result
CONTROLS: dict[str, dict] = {}


def _code(path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code")


def notebooks_with(markers) -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb") if any(m in _code(p) for m in markers))


DASHBOARD_NOTEBOOKS = notebooks_with(DASHBOARD_MARKERS)
EXPLORER_NOTEBOOKS = notebooks_with(EXPLORER_MARKERS)
LESSON_NOTEBOOKS = sorted(set(DASHBOARD_NOTEBOOKS) | set(EXPLORER_NOTEBOOKS))


# --- collection itself ----------------------------------------------------------------------------
def test_trainer_scenarios_notebook_is_collected():
    """The trainer's dashboard notebook exists and the browser tests pick it up."""
    assert (NOTEBOOKS / TRAINER_NOTEBOOK).is_file(), f"notebooks/{TRAINER_NOTEBOOK} is missing"
    assert TRAINER_NOTEBOOK in DASHBOARD_NOTEBOOKS, (
        f"notebooks/{TRAINER_NOTEBOOK} builds no dashboard the browser tests can find "
        f"(looked for {DASHBOARD_MARKERS}); collected: {DASHBOARD_NOTEBOOKS}")


# --- JupyterLab -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LESSON_NOTEBOOKS)
def test_lesson_widgets_in_jupyterlab(page, lab, name):
    """Run the lesson, then use each of its widgets as a learner would.

    Each dashboard: Run, change a menu and a slider, Run again (figure and KPI
    text must change). Each explorer: change its menus (the figure must redraw).
    """
    helpers.open_and_run(page, lab, f"notebooks/{name}")
    boards = page.locator(".courier-run-button").count()
    explorers = page.locator(".courier-explorer").count()
    if name in DASHBOARD_NOTEBOOKS:
        assert boards, f"{name}: no Run button (.courier-run-button) on the page after running all cells"
    if name in EXPLORER_NOTEBOOKS:
        assert explorers, f"{name}: no explorer (.courier-explorer) on the page after running all cells"
    for index in range(boards):
        report = helpers.check_dashboard(page, index, **CONTROLS.get(name, {}))
        print(f"{name} dashboard {index} ({report.seconds:.1f} s): {'; '.join(report.changes)}")
    for index in range(explorers):
        changes = helpers.check_explorer(page, index)
        print(f"{name} explorer {index}: {'; '.join(changes)}")


def test_broken_copy_of_a_lesson_dashboard_is_detected(page, lab):
    """The test of the test on a real lesson: its Run callback made to raise must fail the check."""
    if not DASHBOARD_NOTEBOOKS:
        pytest.fail("no lesson with a dashboard in notebooks/ to break")
    name = QUICK_LESSON if QUICK_LESSON in DASHBOARD_NOTEBOOKS else DASHBOARD_NOTEBOOKS[0]
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "# deliberately broken for the browser tests: every dashboard's drawing raises\n"
        "from courier_sim import widgets as _widgets\n\n"
        "def _broken_draw(self, summary):\n"
        "    raise RuntimeError('deliberately broken dashboard callback')\n\n"
        "_widgets.Dashboard.draw = _broken_draw"))
    broken = f"notebooks/broken_{name}"  # next to the lesson, in the session's temporary copy
    nbformat.write(nb, lab.root / broken)
    helpers.open_and_run(page, lab, broken)
    with pytest.raises(helpers.DashboardCheckError, match="deliberately broken dashboard callback"):
        helpers.check_dashboard(page, **CONTROLS.get(name, {}))


# --- Voilà ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", VOILA_NOTEBOOKS)
def test_trainer_dashboard_as_voila_page(page, voila_server, name):
    """`voila notebooks/<name>` shows the dashboard and no code, and the dashboard works."""
    if not (NOTEBOOKS / name).is_file():
        pytest.fail(f"notebooks/{name} is missing")
    helpers.open_voila(page, voila_server(f"notebooks/{name}"))
    shown = helpers.visible_code(page, NOTEBOOKS / name)
    assert not shown, f"Voilà page of {name} shows code: {shown}"
    helpers.check_no_errors(page, f"on the Voilà page of {name}")
    for index in range(page.locator(".courier-run-button").count()):
        helpers.check_dashboard(page, index, **CONTROLS.get(name, {}))
