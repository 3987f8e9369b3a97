"""The default year lands inside the realism bands of shared/calibration.md."""
import pytest

from courier_sim.calibration import TARGETS, report

REQUIRED = ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17"]


@pytest.fixture(scope="module")
def table(year_result):
    return report(year_result).set_index("code")


@pytest.mark.parametrize("code", REQUIRED)
def test_target_in_band(table, code):
    row = table.loc[code]
    assert row["verdict"] == "in band", f"{code} {row['figure']}: {row['value']} (band {row['band']})"


def test_every_target_is_reported(table):
    assert list(table.index) == [t.code for t in TARGETS]
