"""Tests of the browser-test harness itself, on demo notebooks (tests/browser/fixtures/).

The demo dashboard must pass the checks; its deliberately broken copies must
FAIL them — the test of the test: one whose Run callback raises (caught from
the kernel's error message) and one whose callback silently redraws nothing
(caught because the figure and KPI text do not change).
"""
from __future__ import annotations

import pytest

from . import helpers
from .conftest import FIXTURES
from .helpers import DashboardCheckError

DEMO = "fixtures/demo_dashboard.ipynb"
BROKEN = "fixtures/demo_dashboard_broken.ipynb"
INERT = "fixtures/demo_dashboard_inert.ipynb"
SHORT_TIMEOUT = 10  # s: the demo redraws in well under a second


def test_demo_dashboard_passes_in_jupyterlab(page, lab):
    helpers.open_and_run(page, lab, DEMO)
    report = helpers.check_dashboard(page)
    assert report.initial.complete, "the demo draws its figure and KPI when the cell runs"
    assert report.after_change.figure != report.after_run.figure
    assert report.after_change.kpi != report.after_run.kpi
    assert "Colour seagreen" in report.after_change.kpi and "Waves 12" in report.after_change.kpi, report
    assert not helpers.page_errors(page)


def test_broken_callback_is_detected_in_jupyterlab(page, lab):
    helpers.open_and_run(page, lab, BROKEN)  # the cells run; only the Run callback is broken
    with pytest.raises(DashboardCheckError, match="RuntimeError: deliberately broken dashboard callback"):
        helpers.check_dashboard(page, timeout=SHORT_TIMEOUT)


def test_inert_callback_is_detected_in_jupyterlab(page, lab):
    helpers.open_and_run(page, lab, INERT)
    with pytest.raises(DashboardCheckError, match="timed out .* the figure and the KPI text to change"):
        helpers.check_dashboard(page, timeout=SHORT_TIMEOUT)
    assert not helpers.page_errors(page), "an inert callback raises nothing: only the unchanged page tells"


def test_error_in_a_cell_is_detected(page, lab):
    helpers.open_notebook(page, lab, DEMO)
    page.evaluate("""async () => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = nb.widgets.length - 1;
        await window.jupyterapp.commands.execute('notebook:insert-cell-below');
        nb.activeCell.model.sharedModel.setSource("raise ValueError('deliberate error in a cell')");
    }""")
    with pytest.raises(DashboardCheckError, match="ValueError: deliberate error in a cell"):
        helpers.run_all_cells(page)
        helpers.check_no_errors(page, "after running all cells")


def test_demo_dashboard_as_voila_page(page, voila_server):
    helpers.open_voila(page, voila_server(DEMO))
    assert helpers.visible_code(page, FIXTURES / "demo_dashboard.ipynb") == []
    report = helpers.check_dashboard(page)
    assert report.after_change.figure != report.after_run.figure
    assert report.after_change.kpi != report.after_run.kpi


def test_broken_callback_is_detected_as_voila_page(page, voila_server):
    helpers.open_voila(page, voila_server(BROKEN))
    with pytest.raises(DashboardCheckError, match="RuntimeError: deliberately broken dashboard callback"):
        helpers.check_dashboard(page, timeout=SHORT_TIMEOUT)


def test_visible_code_is_detected(page, lab):
    """The Voilà check would catch shown code: on a JupyterLab page it must find some."""
    helpers.open_notebook(page, lab, DEMO)
    assert helpers.visible_code(page, FIXTURES / "demo_dashboard.ipynb")
