"""The notebook check for lost Chinese characters fails a chart with missing glyphs (a test of the test)."""
from __future__ import annotations

from pathlib import Path

import nbformat
pytest_plugins = ["pytester"]

ROOT_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"


def _notebook(title_code: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from courier_sim import plots\n"
        "fig = plots.LabFigure()\n"
        f"{title_code}\n"
        "fig")]
    return nb


def test_a_chart_that_loses_chinese_characters_fails_its_cell(pytester):
    """The lessons passing under nbval show the check accepts good charts; here a Latin-only font must fail."""
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    nbformat.write(_notebook("fig.add_subplot().set_title('客户流失', fontfamily='DejaVu Sans')"),
                   str(pytester.path / "chart.ipynb"))
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--nbval-lax", "chart.ipynb")
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(["*a chart lost Chinese characters*", "*Glyph 23458*missing from*"])
