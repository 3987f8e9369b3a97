"""Dashboards without a browser: a fake simulator, button presses as method calls."""
from __future__ import annotations

import base64
import math
from datetime import date
from types import SimpleNamespace

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from courier_sim import kpis as kpi_module
from courier_sim import widgets
from courier_sim.scenario import PARAMS, Preset, ScenarioError, preset


# --- a fake engine: tiny tables shaped like courier_sim.records ---------------------------------
def fake_result(scenario) -> SimpleNamespace:
    """Parcels fall as the price rises, so different settings give different KPIs."""
    n = int(round(20 / scenario.price_index))
    shipments = pd.DataFrame({
        "shipment_id": np.arange(n),
        "outcome": ["late" if i % 5 == 0 else "on_time" for i in range(n)],
        "price": np.full(n, 10.0 * scenario.price_index),
        "cost": np.full(n, 6.0),
    })
    dates = pd.date_range(scenario.start, periods=10, freq="D")
    daily = pd.DataFrame({"date": np.repeat(dates, 2), "segment": ["all", "enterprise"] * 10,
                          "parcels": np.tile([n // 10 * 2, n // 10], 10), "on_time_rate": 0.8,
                          "complaints": 0, "revenue": 1.0, "active_customers": 5})
    return SimpleNamespace(
        shipments=shipments,
        complaints=pd.DataFrame({"complaint_id": [1, 2]}),
        customers=pd.DataFrame({"customer_id": [1, 2, 3], "churn_date": [pd.NaT, pd.Timestamp("2025-01-05"), pd.NaT]}),
        retention_actions=pd.DataFrame({"cost": [5.0]}),
        daily=daily,
    )


class FakeSimulate:
    def __init__(self, error: Exception | None = None):
        self.calls = []
        self.error = error

    def __call__(self, scenario):
        self.calls.append(scenario)
        if self.error:
            raise self.error
        return fake_result(scenario)


@pytest.fixture
def sim():
    return FakeSimulate()


@pytest.fixture
def base():
    return preset("baseline", customers=100, prospects=50, days=60)


@pytest.fixture(autouse=True)
def nothing_left_open():
    yield
    assert plt.get_fignums() == [], "a figure was left open"


def image_of(out: W.Output) -> bytes:
    assert len(out.outputs) == 1
    return base64.b64decode(out.outputs[0]["data"]["image/png"])


def dashboard(sim, base, **options):
    return widgets.scenario_dashboard(base, simulate=sim, cache=widgets.RunCache(), **options)


# --- controls from the parameter spec ---------------------------------------------------------
def test_every_lever_gets_a_widget_of_the_right_kind_and_range():
    controls = widgets.controls_from_params()
    levers = [p for p in PARAMS if p.lever]
    assert list(controls) == [p.name for p in levers]
    for p in levers:
        w = controls[p.name]
        assert p.label in w.description and p.label_zh in w.description, p.name
        if p.choices:
            assert isinstance(w, W.Dropdown) and [v for _, v in w.options] == list(p.choices)
        elif p.kind is bool:
            assert isinstance(w, W.Checkbox)
        elif p.kind is int:
            assert isinstance(w, (W.IntSlider, W.BoundedIntText)) and (w.min, w.max) == (p.low, p.high)
        elif p.kind is float:
            assert isinstance(w, W.FloatSlider) and (w.min, w.max) == (p.low, p.high)
            assert 0 < w.step <= (p.high - p.low) / 10
        elif p.kind is date:
            assert isinstance(w, W.DatePicker)
        if isinstance(w, (W.IntSlider, W.FloatSlider)):
            assert w.continuous_update is False
        assert w.value == p.default
        assert "courier-control" in w._dom_classes


def test_controls_for_any_parameter_and_typos_are_refused():
    controls = widgets.controls_from_params(["start", "days", "seed"], values={"days": 90})
    assert isinstance(controls["start"], W.DatePicker) and controls["start"].value == date(2024, 12, 1)
    assert isinstance(controls["days"], W.IntSlider) and controls["days"].value == 90
    assert isinstance(controls["seed"], W.BoundedIntText)
    with pytest.raises(ScenarioError, match="did you mean 'price_index'"):
        widgets.controls_from_params(["price_indx"])


def test_float_slider_values_are_rounded_for_stable_cache_keys():
    controls = widgets.controls_from_params(["price_index"])
    controls["price_index"].value = 1.1 + 0.2  # 1.3000000000000003
    assert widgets.control_values(controls) == {"price_index": 1.3}


# --- KPIs -------------------------------------------------------------------------------------
def test_kpis_from_tables(base):
    k = kpi_module.kpis(fake_result(base))
    assert k["parcels"] == 20
    assert k["on_time_rate"] == pytest.approx(0.8)
    assert k["complaints_per_1000"] == pytest.approx(100.0)
    assert k["churned"] == 1
    assert k["revenue"] == pytest.approx(200.0)
    assert k["cost"] == pytest.approx(20 * 6 + 5)  # shipments plus retention spending
    assert k["profit"] == pytest.approx(200 - 125)
    empty = SimpleNamespace(shipments=fake_result(base).shipments.iloc[:0], complaints=None, customers=None)
    assert math.isnan(kpi_module.kpis(empty)["on_time_rate"])
    assert kpi_module.format_kpi("on_time_rate", 0.9312) == "93.1%"
    assert kpi_module.format_kpi("parcels", float("nan")) == "–"


# --- the dashboard ------------------------------------------------------------------------------
def test_run_simulates_once_shows_a_figure_and_kpis(sim, base):
    d = dashboard(sim, base)
    summary = d.run()
    assert len(sim.calls) == 1 and sim.calls[0] == base
    assert image_of(d.out)[:4] == b"\x89PNG"
    assert "Parcels" in d.kpi.value and "20" in d.kpi.value and "80.0%" in d.kpi.value
    assert summary.kpis["parcels"] == 20 and isinstance(summary.daily, pd.DataFrame)
    assert not hasattr(summary, "shipments")  # only small aggregates are kept
    assert "Done" in d.status.value and d.run_button.disabled is False


def test_same_settings_hit_the_cache(sim, base):
    d = dashboard(sim, base)
    d.run()
    d.controls["price_index"].value = 2.0
    d.run()
    d.controls["price_index"].value = 1.0
    d.run()
    assert len(sim.calls) == 2
    assert d.cache.hits == 1 and "cache" in d.status.value
    assert "▼" in d.kpi.value or "▲" in d.kpi.value  # change against the previous run


def test_moving_a_slider_does_not_run(sim, base):
    d = dashboard(sim, base)
    d.controls["price_index"].value = 1.5
    d.controls["service_staff"].value = 10
    assert sim.calls == [] and d.out.outputs == ()
    assert "press Run" in d.status.value


def test_clicking_the_button_runs(sim, base):
    d = dashboard(sim, base)
    d.run_button.click()
    assert len(sim.calls) == 1 and len(d.out.outputs) == 1


def test_invalid_settings_show_the_message_and_raise_nothing(sim, base):
    d = dashboard(sim, base, levers=["share_enterprise", "share_individual", "price_index"])
    d.controls["share_enterprise"].value = 0.5
    assert d.run() is None
    assert sim.calls == []
    assert "add up to 1" in d.status.value and "courier-error" in d.status.value
    assert d.run_button.disabled is False


def test_a_scenario_error_from_the_engine_is_shown_too(base):
    sim = FakeSimulate(ScenarioError("capacity_ratio: too small for this market"))
    d = dashboard(sim, base)
    assert d.run() is None
    assert "too small for this market" in d.status.value


def test_other_errors_are_shown_and_raised(base):
    d = dashboard(FakeSimulate(RuntimeError("engine broke")), base)
    with pytest.raises(RuntimeError):
        d.run()
    assert "engine broke" in d.status.value and d.run_button.disabled is False


def test_pyplot_figures_from_a_custom_render_are_closed(sim, base):
    def render(summary):
        fig, ax = plt.subplots()
        ax.bar(["parcels"], [summary.kpis["parcels"]])
        return fig

    d = dashboard(sim, base, render=render, extra=lambda result: {"late": int((result.shipments.outcome == "late").sum())})
    summary = d.run()
    assert summary.extra == {"late": 4}
    assert image_of(d.out)[:4] == b"\x89PNG"  # the fixture checks plt.get_fignums() is empty


def test_presets_load_values_into_the_controls_without_running(sim, base):
    presets = {"baseline": Preset("normal", "常规", {}),
               "cheap": Preset("cheaper", "降价", {"price_index": 0.8, "service_staff": 6})}
    d = dashboard(sim, base, presets=presets)
    d.controls["capacity_ratio"].value = 2.0
    d.preset.value = "cheap"
    assert d.controls["price_index"].value == 0.8 and d.controls["service_staff"].value == 6
    assert d.controls["capacity_ratio"].value == 1.15  # a preset resets the other levers
    assert d.base.customers == 100  # and keeps the classroom size
    assert sim.calls == []
    d.run()
    assert sim.calls[0].price_index == 0.8 and sim.calls[0].days == 60
    d.load_preset("baseline")
    assert d.preset.value == "baseline" and d.controls["price_index"].value == 1.0
    with pytest.raises(ScenarioError):
        d.load_preset("nonsense")


def test_widgets_carry_css_classes_for_browser_tests(sim, base):
    d = dashboard(sim, base, title="Price war (价格战)")
    assert "courier-run-button" in d.run_button._dom_classes
    assert "courier-kpi" in d.kpi._dom_classes
    assert "courier-figure" in d.out._dom_classes
    assert "courier-status" in d.status._dom_classes
    assert "courier-dashboard" in d.widget._dom_classes
    assert "Run" in d.run_button.description
    assert "text/plain" in d._repr_mimebundle_()


def test_progress_bar_is_optional(sim, base):
    quiet = dashboard(sim, base)
    quiet.run()
    assert quiet.progress_box.children == ()
    loud = dashboard(sim, base, progress=True)
    loud.run()
    assert len(loud.progress_box.children) == 1


# --- explorer -----------------------------------------------------------------------------------
def test_explorer_redraws_when_a_dropdown_changes(base):
    daily = fake_result(base).daily
    e = widgets.explorer(daily)
    assert e.group.value == "all" and e.metric.value == "parcels"
    first = image_of(e.out)
    e.metric.value = "on_time_rate"
    assert image_of(e.out) != first
    e.group.value = "enterprise"
    assert e.series().tolist() == [0.8] * 10
    e.metric.value = "parcels"
    assert e.series().tolist() == [2] * 10
    assert "courier-figure" in e.out._dom_classes


def test_explorer_on_a_table_without_dates():
    df = pd.DataFrame({"customer_type": ["enterprise", "individual", "enterprise"], "revenue": [10.0, 2.0, 5.0]})
    e = widgets.explorer(df, by=None, x="customer_type")
    assert e.group is None
    assert e.series().to_dict() == {"enterprise": 15.0, "individual": 2.0}
    assert image_of(e.out)[:4] == b"\x89PNG"


# --- with the real engine ----------------------------------------------------------------------
def test_dashboard_with_the_real_engine(base):
    d = widgets.scenario_dashboard(base, cache=widgets.RunCache())
    summary = d.run()
    assert summary is not None and d.runs == 1
    assert summary.kpis["parcels"] > 0 and 0 < summary.kpis["on_time_rate"] <= 1
    assert set(summary.daily["segment"].astype(str)) >= {"all", "enterprise"}
    assert image_of(d.out)[:4] == b"\x89PNG"
    d.run()
    assert d.runs == 1  # cached
