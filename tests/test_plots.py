"""Figures: right shape, right titles, Chinese glyphs drawn, nothing left open."""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from courier_sim import fonts, plots


def render(fig: Figure) -> bytes:
    """Draw to PNG with any missing-glyph warning raised as an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


def title(ax) -> str:
    """An axes' title wherever it sits (the styles put it on the left)."""
    return "".join(ax.get_title(loc=loc) for loc in ("left", "center", "right"))


def texts(fig: Figure) -> str:
    """All title text of a figure (axes titles and suptitle), for assertions."""
    parts = [title(ax) for ax in fig.axes]
    if fig._suptitle is not None:
        parts.append(fig._suptitle.get_text())
    return " | ".join(parts)


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    import matplotlib.pyplot as plt
    yield
    assert plt.get_fignums() == [], "a plot function left a pyplot figure open"


@pytest.fixture
def daily():
    dates = pd.date_range("2024-12-01", periods=30, freq="D")
    rows = []
    for i, d in enumerate(dates):
        for seg, base in (("enterprise", 40), ("individual", 20)):
            rows.append((d, seg, base + i % 7, 0.9 + 0.002 * (i % 5)))
        rows.append((d, "all", 60 + 2 * (i % 7), 0.91))
    return pd.DataFrame(rows, columns=["date", "segment", "parcels", "on_time_rate"])


# --- fonts ---------------------------------------------------------------------------------
def test_shipped_font_and_its_licence_are_in_the_package():
    folder = Path(fonts.__file__).parent / "fonts"
    assert (folder / "wqy-microhei.ttc").stat().st_size > 4_000_000
    licence = (folder / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "Apache-2.0" in licence and "Font exception" in licence
    assert "fonts-wqy-microhei" in (folder / "README.md").read_text(encoding="utf-8")


def test_cjk_font_is_a_registered_family_placed_after_the_latin_default():
    family = fonts.use_cjk_font()
    assert family in fonts.registered_families()
    rc = matplotlib.rcParams
    assert rc["font.family"][-1] == family and rc["font.family"][0] != family
    assert rc["axes.unicode_minus"] is False
    before = (list(rc["font.family"]), list(rc["font.sans-serif"]))
    assert fonts.use_cjk_font() == family  # idempotent: no duplicates, same choice
    assert (list(rc["font.family"]), list(rc["font.sans-serif"])) == before


def test_chinese_title_and_labels_render_without_missing_glyphs():
    fonts.use_cjk_font()
    fig = Figure()
    ax = fig.subplots()
    ax.plot([-1, 0, 1], [3, -2, 5])
    ax.set_title("客户流失 Churn −5%")
    ax.set_xlabel("日期 date")
    ax.set_ylabel("件量 parcels")
    assert render(fig)[:4] == b"\x89PNG"


@pytest.fixture
def restore_fonts(monkeypatch):
    yield monkeypatch
    monkeypatch.undo()
    fonts.use_cjk_font(refresh=True)


def test_shipped_font_is_used_when_the_system_has_none(restore_fonts):
    restore_fonts.setattr(fonts, "registered_families", lambda: {"DejaVu Sans"})
    assert fonts.use_cjk_font(refresh=True) == fonts.SHIPPED_FAMILY
    shipped = str(fonts.SHIPPED_FONT)
    assert any(f.fname == shipped for f in matplotlib.font_manager.fontManager.ttflist)
    fig = plots.bar(pd.Series({"enterprise": 3, "individual": 5}), "客户类型 Customer types")
    render(fig)


def test_fallback_without_any_cjk_font_warns_once_and_draws_english(restore_fonts, tmp_path, daily):
    restore_fonts.setattr(fonts, "registered_families", lambda: {"DejaVu Sans"})
    restore_fonts.setattr(fonts, "SHIPPED_FONT", tmp_path / "absent.ttc")
    restore_fonts.setattr(fonts, "_warned", False)
    with pytest.warns(fonts.CJKFontWarning):
        assert fonts.use_cjk_font(refresh=True) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second warning, no glyph warnings
        assert fonts.use_cjk_font() is None
        assert not set(matplotlib.rcParams["font.family"]) & fonts.KNOWN_CJK
        assert fonts.bilingual("Churn", "客户流失") == "Churn"
        fig = plots.daily_volume(daily)
        assert texts(fig) == "Daily volume and on-time rate | "
        render(fig)


# --- plot functions --------------------------------------------------------------------------
def test_daily_volume_has_parcels_and_on_time_rate_on_twin_axes(daily):
    fig = plots.daily_volume(daily)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    volume, rate = fig.axes
    assert len(volume.get_lines()) == 2 and len(rate.get_lines()) == 1  # raw + 7-day mean; rate
    assert "Daily volume" in title(volume) and "日件量" in title(volume)
    np.testing.assert_allclose(volume.get_lines()[0].get_ydata(), daily.loc[daily.segment == "all", "parcels"])
    render(fig)


def test_daily_volume_one_segment_without_smoothing(daily):
    fig = plots.daily_volume(daily, segment="enterprise", smooth=1, style="notebook")
    assert len(fig.axes[0].get_lines()) == 1
    assert "Enterprise" in title(fig.axes[0])
    assert fig.axes[0].title.get_fontsize() == plots.STYLES["notebook"]["axes.titlesize"]
    with pytest.raises(ValueError, match="segment 'nobody'"):
        plots.daily_volume(daily, segment="nobody")


def test_daily_volume_aggregates_segments_when_all_is_missing(daily):
    fig = plots.daily_volume(daily[daily.segment != "all"], smooth=1)
    first = daily[daily.segment != "all"].groupby("date")["parcels"].sum().to_numpy()
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), first)


def test_pareto_curve_marks_the_top_fifth():
    revenue = pd.Series([800, 100, 50, 20, 10, 8, 6, 4, 1, 1], index=range(10))
    fig = plots.pareto_curve(revenue)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    curve = ax.get_lines()[0]
    assert curve.get_ydata()[2] == pytest.approx(0.9)  # top 2 of 10 customers bring 90%
    assert "Pareto" in title(ax) and "帕累托" in title(ax)
    assert any("90%" in t.get_text() for t in ax.texts)
    render(fig)


def test_kpi_compare_has_one_panel_per_kpi_and_one_bar_per_scenario():
    kpis = pd.DataFrame({"parcels": [1000, 900, 1100], "on_time_rate": [0.93, 0.88, 0.95], "profit": [5e4, 3e4, 6e4]},
                        index=["baseline", "price war", "extra capacity"])
    fig = plots.kpi_compare(kpis)
    assert len(fig.axes) == 3
    assert all(len(ax.patches) == 3 for ax in fig.axes)
    assert "Parcels" in title(fig.axes[0]) and "准时率" in title(fig.axes[1])
    assert "Scenarios compared" in texts(fig)
    render(fig)
    fig = plots.kpi_compare({"a": {"parcels": 1, "churned": 2}, "b": {"parcels": 3, "churned": 4}}, ncols=1)
    assert len(fig.axes) == 2


def test_funnel_chart_one_bar_per_stage_with_conversion():
    funnel = pd.DataFrame({"stage": ["lead", "qualified", "visited", "proposal", "won"], "count": [400, 200, 100, 50, 20]})
    fig = plots.funnel_chart(funnel)
    ax = fig.axes[0]
    assert len(ax.patches) == 5
    assert "funnel" in title(ax) and "漏斗" in title(ax)
    assert any("50%" in t.get_text() for t in ax.texts)
    assert "5.0%" in ax.get_xlabel()
    render(fig)


def test_satisfaction_gap_chart_bars_coloured_by_sign():
    gaps = pd.DataFrame({"dimension": ["price", "speed", "safety"], "expectation": [4.0, 4.5, 4.2],
                         "perception": [4.3, 3.9, 4.2]})
    fig = plots.satisfaction_gap_chart(gaps)
    assert len(fig.axes) == 2
    bars = fig.axes[1].patches
    assert len(bars) == 3
    widths = sorted(round(b.get_width(), 2) for b in bars)
    assert widths == [-0.6, 0.0, 0.3]
    red = [b for b in bars if b.get_width() < 0]
    assert matplotlib.colors.to_hex(red[0].get_facecolor()) == plots.BAD.lower()
    assert "满意度" in texts(fig)
    render(fig)
    only_gap = plots.satisfaction_gap_chart(pd.DataFrame({"gap": [-0.2, 0.1]}, index=["brand", "after_sales"]))
    assert len(only_gap.axes) == 1 and len(only_gap.axes[0].patches) == 2


def test_churn_by_group_plain_and_stacked_by_kind():
    fig = plots.churn_by_group(pd.DataFrame({"group": ["enterprise", "individual"], "churn_rate": [0.1, 0.25],
                                             "customers": [100, 300]}))
    ax = fig.axes[0]
    assert len(ax.patches) == 2 and "Churn" in title(ax) and "流失" in title(ax)
    assert any("n=300" in t.get_text() for t in ax.texts)
    render(fig)
    kinds = pd.DataFrame({"own_reasons": [0.02, 0.05], "competitor": [0.04, 0.1], "dropped": [0.01, 0.0],
                          "value_decline": [0.01, 0.03]}, index=["treated", "control"])
    fig = plots.churn_by_group(kinds)
    assert len(fig.axes[0].patches) == 8
    assert any("18.0%" in t.get_text() for t in fig.axes[0].texts)
    render(fig)


def test_rfm_heatmap_counts_customers_per_cell():
    rfm = pd.DataFrame({"r_score": [5, 5, 1, 3], "f_score": [5, 5, 1, 2], "monetary": [900, 700, 10, 50]})
    fig = plots.rfm_heatmap(rfm)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # heatmap + colour bar
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, 3) and np.nanmax(image) == 2
    assert "RFM" in title(ax)
    render(fig)
    fig = plots.rfm_heatmap(rfm, value="monetary")
    assert np.nanmax(fig.axes[0].get_images()[0].get_array()) == 800


def test_cohort_heatmap_from_matrix_or_long_table():
    matrix = pd.DataFrame([[1.0, 0.8, 0.7], [1.0, 0.85, np.nan], [1.0, np.nan, np.nan]],
                          index=pd.period_range("2024-01", periods=3, freq="M"), columns=[0, 1, 2])
    fig = plots.cohort_heatmap(matrix)
    ax = fig.axes[0]
    assert ax.get_images()[0].get_array().shape == (3, 3)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024-01", "2024-02", "2024-03"]
    assert "Cohort" in title(ax) and "留存" in title(ax)
    render(fig)
    long = matrix.stack().rename("retention").rename_axis(["cohort", "period"]).reset_index()
    assert plots.cohort_heatmap(long).axes[0].get_images()[0].get_array().shape == (3, 3)


def test_generic_bar_and_line():
    s = pd.Series({"enterprise": 0.12, "individual": 0.3, "cbd": 0.2})
    fig = plots.bar(s, "Churn rate (流失率)", percent=True, highlight=["individual"], sort=True)
    ax = fig.axes[0]
    assert len(ax.patches) == 3 and title(ax) == "Churn rate (流失率)"
    assert [t.get_text() for t in ax.texts] == ["30.0%", "20.0%", "12.0%"]  # sorted, labelled
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches]
    assert colours[0] == plots.PALETTE[1].lower() and colours[1] == plots.PALETTE[0].lower()
    render(fig)
    daily = pd.Series(np.arange(30.0), index=pd.date_range("2025-01-01", periods=30))
    fig = plots.line(daily, "Parcels (件量)", smooth=7)
    assert len(fig.axes[0].get_lines()) == 2
    render(fig)


def test_projector_style_is_large_and_unknown_style_is_refused():
    fig = plots.bar(pd.Series({"a": 1}), "t")
    assert fig.axes[0].title.get_fontsize() >= 16
    assert fig.axes[0].xaxis.get_ticklabels()[0].get_fontsize() >= 14
    with pytest.raises(ValueError, match="style"):
        plots.bar(pd.Series({"a": 1}), "t", style="poster")


def test_figures_become_png_and_show_themselves_in_notebooks():
    fig = plots.bar(pd.Series({"a": 1}), "t")
    assert plots.figure_to_png(fig)[:4] == b"\x89PNG"
    assert fig._repr_png_()[:4] == b"\x89PNG"  # displayed once as a cell's value, without pyplot
