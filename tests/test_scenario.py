"""Scenario validation: every bad field is named with its allowed range."""
from datetime import date

import pytest

from courier_sim import PARAMS, PRESETS, Scenario, ScenarioError, preset
from courier_sim.scenario import from_json


def test_defaults_make_a_valid_frozen_scenario():
    sc = Scenario()
    assert sc.days == 365 and sc.start == date(2024, 12, 1)
    with pytest.raises(Exception):
        sc.days = 10  # frozen


def test_every_param_has_labels_and_a_range_or_choices():
    for p in PARAMS:
        assert p.label and p.label_zh, p.name
        assert p.choices or (p.low is not None and p.high is not None), p.name
        if p.choices:
            assert p.default in p.choices
        else:
            assert p.low <= p.default <= p.high


@pytest.mark.parametrize("field, value, words", [
    ("customers", 5, ["customers", "from 20 to 100000"]),
    ("days", 5000, ["days", "from 7 to 1100"]),
    ("price_index", 0.1, ["price_index", "0.5", "2.0"]),
    ("compensation_policy", "lavish", ["compensation_policy", "minimal, standard, generous"]),
    ("start", "2024-02-30", ["start", "YYYY-MM-DD"]),
    ("seed", "seven", ["seed"]),
    ("service_staff", True, ["service_staff"]),
])
def test_bad_values_name_the_field_and_range(field, value, words):
    with pytest.raises(ScenarioError) as err:
        Scenario(**{field: value})
    for word in words:
        assert word in str(err.value)


def test_unknown_field_suggests_the_right_name():
    with pytest.raises(ScenarioError, match="unknown field 'custmers'.*did you mean 'customers'"):
        Scenario(custmers=100)


def test_shares_must_add_up_to_one():
    with pytest.raises(ScenarioError, match="add up to 1"):
        Scenario(share_cbd=0.5)


def test_several_problems_are_reported_together():
    with pytest.raises(ScenarioError) as err:
        Scenario(customers=1, days=1)
    assert "customers" in str(err.value) and "days" in str(err.value)


def test_strings_from_the_command_line_are_coerced():
    sc = Scenario(customers="500", price_index="1.2", start="2025-03-01")
    assert sc.customers == 500 and sc.price_index == 1.2 and sc.start == date(2025, 3, 1)


def test_replace_validates_and_json_round_trips():
    sc = preset("baseline", seed=11)
    assert sc.replace(days=30).days == 30
    with pytest.raises(ScenarioError):
        sc.replace(days=0)
    assert from_json(sc.to_json()) == sc
    assert hash(from_json(sc.to_json())) == hash(sc)


def test_presets_are_valid_and_unknown_preset_is_named():
    for name in PRESETS:
        assert isinstance(preset(name), Scenario)
    with pytest.raises(ScenarioError, match="preset: 'nope'"):
        preset("nope")
