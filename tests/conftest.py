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
