"""Checks that apply to every notebook the test command runs (nbval cells in notebooks/).

A chart whose Chinese label has no glyph in the chosen font still renders,
with boxes, and the only trace is a "Glyph ... missing from font(s)" warning
on the kernel's stderr. nbval's lax mode ignores stderr, so this hook reads
each executed cell's outputs and fails the cell on such a warning.
"""
from __future__ import annotations

import re

import pytest

MISSING_GLYPH = re.compile(r"Glyph \d+ .*missing from (current )?font")


def missing_glyph_warnings(outputs) -> list[str]:
    """Lines of stream outputs that report a glyph missing from the font."""
    lines = []
    for out in outputs or ():
        if out.get("output_type") == "stream" or out.get("name") in ("stderr", "stdout"):
            lines += [line for line in str(out.get("text", "")).splitlines() if MISSING_GLYPH.search(line)]
    return lines


@pytest.fixture(scope="session")
def glyph_warnings():
    """The check itself, for tests that execute notebooks with nbclient."""
    return missing_glyph_warnings


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None)  # set by nbval's IPyNbCell.runtest
    if outputs:
        missing = missing_glyph_warnings(outputs)
        if missing:
            raise AssertionError("a chart lost Chinese characters (no glyph in the font):\n" + "\n".join(missing))
    return result
