"""Shared fixtures: small runs computed once per test session."""
from __future__ import annotations

import pytest

from courier_sim import preset, simulate


@pytest.fixture(scope="session")
def small_scenario():
    return preset("baseline", customers=300, prospects=200, days=120, seed=3)


@pytest.fixture(scope="session")
def small_result(small_scenario):
    return simulate(small_scenario)


@pytest.fixture(scope="session")
def year_result():
    """The calibration run: the default scenario over a full year."""
    from courier_sim.calibration import calibration_scenario
    return simulate(calibration_scenario())


@pytest.fixture
def clean_lab(monkeypatch, tmp_path):
    """No teacher settings leak in: no COURIER_LAB_* variables, no config file nearby, no recorded checks.

    Exercise tests ask for it with ``pytestmark = pytest.mark.usefixtures("clean_lab")``.
    """
    from courier_sim.exercises import results
    for name in ("COURIER_LAB_STRICT", "COURIER_LAB_UNLOCK", "COURIER_LAB_RESULTS", "COURIER_LAB_SALT",
                 "COURIER_LAB_CONFIG", "COURIER_LAB_GRADING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    results.reset()
    yield
    results.reset()
