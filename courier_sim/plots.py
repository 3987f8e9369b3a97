"""Figures for lessons and dashboards, readable from the back row.

Every function takes a small, documented DataFrame or Series (not a whole
``Result``), so learners can draw what they computed themselves, and returns
a ``matplotlib.figure.Figure``. Figures are built without pyplot: nothing is
shown twice, nothing piles up in pyplot's figure registry, and a notebook
displays the figure when it is the cell's last value. Callers that built
figures through pyplot themselves should ``plt.close(fig)``.

The default ``style="projector"`` uses large type, thick lines and the
Okabe-Ito colourblind-safe palette; ``style="notebook"`` is smaller for
laptops and print. Titles and labels are bilingual ("Churn (客户流失)") and
fall back to English when no Chinese font is available.
"""
from __future__ import annotations

import functools
import io
import math
from typing import Iterable

import matplotlib
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .fonts import bilingual, use_cjk_font

# --- style -------------------------------------------------------------------------
# Okabe & Ito (2008), without yellow (too pale on a projected white background).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
GOOD, BAD, MUTED = "#0072B2", "#D55E00", "#6E6E6E"
SEQUENTIAL = "cividis"  # perceptually uniform and colourblind-safe

_COMMON = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "axes.titleweight": "normal",  # CJK fonts have no bold face: mixed weights look broken
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
}
STYLES: dict[str, dict] = {
    "projector": {**_COMMON, "font.size": 15, "axes.titlesize": 18, "axes.labelsize": 16,
                  "xtick.labelsize": 14, "ytick.labelsize": 14, "legend.fontsize": 14,
                  "figure.titlesize": 19, "figure.titleweight": "normal",
                  "lines.linewidth": 3.2, "lines.markersize": 9, "axes.linewidth": 1.6,
                  "patch.linewidth": 0, "figure.figsize": (11, 5.8), "figure.dpi": 100},
    "notebook": {**_COMMON, "font.size": 11, "axes.titlesize": 13, "axes.labelsize": 11,
                 "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
                 "figure.titlesize": 14, "figure.titleweight": "normal",
                 "lines.linewidth": 2.0, "lines.markersize": 6, "axes.linewidth": 1.0,
                 "patch.linewidth": 0, "figure.figsize": (8, 4.2), "figure.dpi": 100},
}

# English and Chinese names of codes and columns that appear on charts.
TERMS: dict[str, tuple[str, str]] = {
    # metrics and KPIs
    "parcels": ("Parcels", "件量"),
    "on_time_rate": ("On-time rate", "准时率"),
    "complaints": ("Complaints", "投诉"),
    "complaints_per_1000": ("Complaints per 1k parcels", "千件投诉率"),
    "revenue": ("Revenue, yuan", "收入/元"),
    "cost": ("Cost, yuan", "成本/元"),
    "profit": ("Profit, yuan", "利润/元"),
    "active_customers": ("Active customers", "活跃客户"),
    "churned": ("Churned customers", "流失客户数"),
    "churn_rate": ("Churn rate", "流失率"),
    "customers": ("Customers", "客户数"),
    # segments
    "all": ("All customers", "全部客户"),
    "enterprise": ("Enterprise", "企业客户"),
    "individual": ("Individual", "个人客户"),
    "cbd": ("CBD office", "CBD写字楼客户"),
    "specialty": ("Specialty market", "专业市场客户"),
    "ecommerce": ("E-commerce seller", "电商客户"),
    # service dimensions
    "price": ("Price", "价格"),
    "speed": ("Speed", "时效"),
    "safety": ("Safety", "安全"),
    "convenience": ("Convenience", "便利"),
    "value_added": ("Value-added services", "增值服务"),
    "brand": ("Brand", "品牌"),
    "after_sales": ("After-sales", "售后服务"),
    # funnel stages
    "lead": ("Leads", "线索"),
    "qualified": ("Qualified", "合格线索"),
    "visited": ("Visited", "已拜访"),
    "proposal": ("Proposal", "方案报价"),
    "won": ("Won", "成交"),
    "lost": ("Lost", "失败"),
    # churn kinds
    "own_reasons": ("Own reasons", "自身原因"),
    "competitor": ("Lured by a competitor", "竞争对手争夺"),
    "dropped": ("Dropped by us", "我方淘汰"),
    "value_decline": ("Value declined", "价值下降"),
}


def term(name, wrap: bool = False) -> str:
    """Chart label of a code or column: 'Enterprise (企业客户)'; unknown names as they are."""
    key = str(name)
    if key in TERMS:
        return bilingual(*TERMS[key], wrap=wrap)
    return key.replace("_", " ") if key.islower() else key


def _styled(func):
    """Build the figure under the chosen style, with the CJK font in place."""
    @functools.wraps(func)
    def wrapper(*args, style: str = "projector", **kwargs):
        if style not in STYLES:
            raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
        use_cjk_font()
        with matplotlib.rc_context(STYLES[style]):
            fig = func(*args, **kwargs)
            for ax in fig.axes:
                # ticks are created lazily at draw time, outside this context: fix their size now
                ax.tick_params(labelsize=STYLES[style]["xtick.labelsize"], width=STYLES[style]["axes.linewidth"])
        return fig
    return wrapper


class LabFigure(Figure):
    """A Figure that shows itself in a notebook as a PNG.

    Figures made without pyplot have no notebook display until pyplot's
    inline backend is loaded; this one displays as a cell's last value
    either way (and exactly once: pyplot does not know about it).
    """

    def _repr_png_(self) -> bytes:
        return figure_to_png(self)


def _new(nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    fig = LabFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def figure_to_png(fig: Figure, dpi: float | None = None) -> bytes:
    """PNG bytes of a figure (what dashboards put into their Output)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi)
    return buf.getvalue()


def _percent_axis(axis) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _thousands(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _as_series(data, value: str | None = None, label: str | None = None) -> pd.Series:
    """A Series from a Series, a one-column frame, or a frame and a column name."""
    if isinstance(data, pd.Series):
        return data
    if isinstance(data, pd.DataFrame):
        df = data
        if label and label in df.columns:
            df = df.set_index(label)
        if value is None:
            numeric = df.select_dtypes("number").columns
            if len(numeric) != 1:
                raise ValueError(f"say which column to draw (value=...); numeric columns are {list(numeric)}")
            value = numeric[0]
        return df[value]
    return pd.Series(data)


# --- time series ----------------------------------------------------------------------
def _daily_for(daily: pd.DataFrame, segment: str) -> pd.DataFrame:
    """One row per date for ``segment``; 'all' is aggregated if the table lacks it."""
    missing = {"date", "parcels", "on_time_rate"} - set(daily.columns)
    if missing:
        raise ValueError(f"daily table needs columns date, parcels, on_time_rate; missing {sorted(missing)}")
    if "segment" in daily.columns:
        rows = daily[daily["segment"].astype(str) == segment]
        if rows.empty and segment == "all":
            rows = daily
        elif rows.empty:
            raise ValueError(f"segment {segment!r} not in the daily table; it has {sorted(daily['segment'].astype(str).unique())}")
    elif segment != "all":
        raise ValueError("the daily table has no 'segment' column; use segment='all'")
    else:
        rows = daily
    on_time = rows["on_time_rate"].fillna(0) * rows["parcels"]
    out = (pd.DataFrame({"date": pd.to_datetime(rows["date"]), "parcels": rows["parcels"], "on_time": on_time})
           .groupby("date", sort=True).sum())
    out["on_time_rate"] = out["on_time"] / out["parcels"].where(out["parcels"] > 0)
    return out


@_styled
def daily_volume(daily: pd.DataFrame, segment: str = "all", smooth: int = 7, title: str | None = None) -> Figure:
    """Daily parcels (thin line, plus a bold rolling mean) with the on-time rate on a second axis.

    ``daily``: columns date, parcels, on_time_rate and optionally segment (the
    ``daily`` table of a run). ``smooth``: days in the rolling mean drawn bold
    (1 = none); the on-time rate is weighted by parcels. Shows the Double 11
    peak and the failures that come with it on one chart.
    """
    d = _daily_for(daily, segment)
    fig, axes = _new()
    ax = axes[0, 0]
    window = max(int(smooth), 1)
    if window > 1:
        ax.plot(d.index, d["parcels"], color=PALETTE[0], alpha=0.3, linewidth=1.2, label=bilingual("Parcels per day", "日件量"))
        # full windows only: a partial first week would fake a ramp-up
        parcels = d["parcels"].rolling(window, min_periods=min(window, len(d))).mean()
        on_time = (d["on_time"].rolling(window, min_periods=min(window, len(d))).sum()
                   / d["parcels"].rolling(window, min_periods=min(window, len(d))).sum().where(lambda s: s > 0))
        ax.plot(d.index, parcels, color=PALETTE[0], label=bilingual(f"Parcels, {window}-day mean", f"{window}日均件量"))
        rate_label = bilingual(f"On-time rate, {window}-day", f"{window}日准时率")
    else:
        ax.plot(d.index, d["parcels"], color=PALETTE[0], label=term("parcels"))
        on_time = d["on_time_rate"]
        rate_label = term("on_time_rate")
    ax.set_ylabel(term("parcels"), color=PALETTE[0])
    locator = AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    _thousands(ax.yaxis)
    ax.set_ylim(bottom=0)
    twin = ax.twinx()
    twin.spines["right"].set_visible(True)
    twin.grid(False)
    twin.plot(d.index, on_time, color=PALETTE[1], label=rate_label)
    twin.set_ylabel(term("on_time_rate"), color=PALETTE[1])
    _percent_axis(twin.yaxis)
    low = np.nanmin(on_time.to_numpy(dtype=float)) if on_time.notna().any() else 0.8
    twin.set_ylim(max(0.0, math.floor(low * 20) / 20 - 0.05), 1.0)
    handles = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    fig.legend(handles[0] + more[0], handles[1] + more[1], loc="outside lower center", ncols=3)
    seg = "" if segment == "all" else f" — {term(segment)}"
    ax.set_title(title or bilingual("Daily volume and on-time rate", "日件量与准时率") + seg)
    return fig


# --- customer value ------------------------------------------------------------------
@_styled
def pareto_curve(revenue, value: str | None = None, top: float = 0.2, title: str | None = None) -> Figure:
    """Cumulative share of revenue against share of customers, biggest first.

    ``revenue``: a Series of revenue (or profit) per customer, or a frame and
    ``value=`` its column. The marked point answers the 80/20 question
    (二八法则): what share of revenue do the top ``top`` of customers bring?
    """
    s = pd.to_numeric(_as_series(revenue, value), errors="coerce").dropna()
    if s.empty:
        raise ValueError("pareto_curve needs at least one customer")
    v = np.sort(s.to_numpy(dtype=float))[::-1]
    total = v.sum()
    cum = np.concatenate([[0.0], np.cumsum(v) / total]) if total else np.linspace(0, 1, len(v) + 1)
    x = np.linspace(0.0, 1.0, len(v) + 1)
    k = int(math.ceil(top * len(v)))
    share = cum[k]
    fig, axes = _new()
    ax = axes[0, 0]
    ax.plot(x, cum, color=PALETTE[0], label=bilingual("Our customers", "我方客户"))
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=1.8, label=bilingual("Everyone equal", "完全平均"))
    ax.axvline(k / len(v), color=PALETTE[1], linewidth=2, linestyle=":")
    ax.axhline(share, color=PALETTE[1], linewidth=2, linestyle=":")
    ax.plot([k / len(v)], [share], "o", color=PALETTE[1], markersize=12)
    ax.annotate(bilingual(f"top {top:.0%} → {share:.0%} of revenue", f"前{top:.0%}客户贡献{share:.0%}收入"),
                xy=(k / len(v), share), xytext=(12, -36), textcoords="offset points", color=PALETTE[1])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02 if cum.max() <= 1 else cum.max() * 1.02)
    _percent_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel(bilingual("Share of customers, largest first", "客户占比(由大到小)"))
    ax.set_ylabel(bilingual("Cumulative share of revenue", "累计收入占比"))
    ax.legend(loc="lower right")
    ax.set_title(title or bilingual("Pareto curve", "帕累托曲线 · 二八法则"))
    return fig


# --- scenario comparison -------------------------------------------------------------
@_styled
def kpi_compare(kpis, columns: Iterable[str] | None = None, ncols: int = 3, title: str | None = None) -> Figure:
    """KPIs of several scenarios side by side: one small panel per KPI.

    ``kpis``: a DataFrame with one row per scenario (index = scenario name) and
    one column per KPI (e.g. ``courier_sim.kpis.kpi_table``), or a dict
    {scenario: kpi dict}. KPIs have different units, so each gets its own axis
    rather than sharing one misleading scale.
    """
    df = pd.DataFrame.from_dict(kpis, orient="index") if isinstance(kpis, dict) else pd.DataFrame(kpis)
    cols = list(columns) if columns is not None else list(df.select_dtypes("number").columns)
    if not cols or df.empty:
        raise ValueError("kpi_compare needs at least one scenario row and one numeric KPI column")
    n = len(cols)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    width = matplotlib.rcParams["figure.figsize"][0]
    fig, axes = _new(nrows, ncols, figsize=(width, 3.6 * nrows + 0.8))
    names = [str(i) for i in df.index]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(names))]
    for i, col in enumerate(cols):
        ax = axes.flat[i]
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        bars = ax.bar(names, values, color=colors)
        rate = col.endswith("_rate")
        whole = bool(np.all(np.isnan(values) | (values == np.round(values))))
        labels = [("–" if np.isnan(v) else (f"{v:.1%}" if rate else (f"{v:,.2f}" if abs(v) < 10 and not whole else f"{v:,.0f}")))
                  for v in values]
        ax.bar_label(bars, labels=labels, padding=3, fontsize=matplotlib.rcParams["xtick.labelsize"])
        ax.set_title(term(col, wrap=True), fontsize=matplotlib.rcParams["axes.labelsize"])
        ax.margins(y=0.18)
        if rate:
            _percent_axis(ax.yaxis)
            ax.set_ylim(max(0.0, np.nanmin(values) - 0.1) if np.isfinite(values).any() else 0, min(1.05, (np.nanmax(values) if np.isfinite(values).any() else 1) + 0.05))
        elif np.nanmax(np.abs(values), initial=0) >= 10:
            _thousands(ax.yaxis)
        ax.tick_params(axis="x", rotation=20 if max(map(len, names)) > 8 else 0)
        ax.grid(axis="x", visible=False)
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    fig.suptitle(title or bilingual("Scenarios compared", "情景对比"), x=0.02, ha="left")
    return fig


# --- acquisition ---------------------------------------------------------------------
@_styled
def funnel_chart(funnel_df, stage: str = "stage", count: str = "count", title: str | None = None) -> Figure:
    """A prospecting funnel (客户开发漏斗): one centred bar per stage, widest first.

    ``funnel_df``: columns ``stage`` and ``count`` in funnel order (or a Series
    indexed by stage). Each bar says how many reached the stage and what share
    of the previous stage converted.
    """
    s = _as_series(funnel_df, count, stage)
    names = [term(i) for i in s.index]
    values = pd.to_numeric(s, errors="coerce").fillna(0).to_numpy(dtype=float)
    fig, axes = _new()
    ax = axes[0, 0]
    y = np.arange(len(values))[::-1]
    widest = values.max() if len(values) and values.max() > 0 else 1.0
    ax.barh(y, values, left=(widest - values) / 2, color=[PALETTE[0]] * len(values), height=0.72)
    for i, (yy, v) in enumerate(zip(y, values)):
        note = f"{v:,.0f}"
        if i > 0 and values[i - 1] > 0:
            note += f"   ↓ {v / values[i - 1]:.0%}"
        ax.text((widest + v) / 2 + widest * 0.015, yy, note, ha="left", va="center")
    ax.set_yticks(y, names)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(0, widest * 1.22)
    if len(values) > 1 and values[0] > 0:
        ax.set_xlabel(bilingual("↓ = conversion from the previous stage", "阶段转化率") + "\n"
                      + bilingual(f"Overall conversion {values[-1] / values[0]:.1%}", "总转化率"))
    ax.set_title(title or bilingual("Prospecting funnel", "客户开发漏斗"))
    return fig


# --- satisfaction --------------------------------------------------------------------
@_styled
def satisfaction_gap_chart(gap_df, title: str | None = None) -> Figure:
    """Expectation against perception per service dimension, and the gap.

    ``gap_df``: one row per dimension (column ``dimension`` or the index) with
    mean ``expectation`` and ``perception`` (Likert 1-5); a ``gap`` column
    alone is enough. Satisfaction is perception minus expectation: negative
    gaps (red) are where customers are let down.
    """
    df = pd.DataFrame(gap_df).copy()
    if "dimension" in df.columns:
        df = df.set_index("dimension")
    has_pair = {"expectation", "perception"} <= set(df.columns)
    if "gap" not in df.columns:
        if not has_pair:
            raise ValueError("satisfaction_gap_chart needs columns expectation and perception, or gap")
        df["gap"] = df["perception"] - df["expectation"]
    df = df.sort_values("gap")
    names = [term(i) for i in df.index]
    y = np.arange(len(df))
    if has_pair:
        fig, axes = _new(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        left, ax = axes[0, 0], axes[0, 1]
        for yy, e, p in zip(y, df["expectation"], df["perception"]):
            left.plot([e, p], [yy, yy], color=MUTED, linewidth=3, zorder=1)
        left.scatter(df["expectation"], y, s=140, color=PALETTE[4], label=bilingual("Expectation", "期望"), zorder=2)
        left.scatter(df["perception"], y, s=140, color=PALETTE[0], label=bilingual("Perception", "感知"), zorder=3)
        left.set_yticks(y, names)
        left.set_xlim(1, 5)
        left.set_xlabel(bilingual("Mean score, 1-5", "平均分", wrap=True))
        fig.legend(loc="outside lower center", ncols=2)
        left.grid(axis="y", visible=False)
        ax.set_yticks(y, [""] * len(y))
        ax.tick_params(axis="y", length=0)
    else:
        fig, axes = _new()
        ax = axes[0, 0]
        ax.set_yticks(y, names)
    gaps = df["gap"].to_numpy(dtype=float)
    bars = ax.barh(y, gaps, color=[BAD if g < 0 else GOOD for g in gaps], height=0.65)
    ax.bar_label(bars, labels=[f"{g:+.2f}" for g in gaps], padding=4)
    ax.axvline(0, color="black", linewidth=1.5)
    span = max(0.5, np.nanmax(np.abs(gaps)) * 1.75) if len(gaps) else 1
    ax.set_xlim(-span, span)
    ax.set_xlabel(bilingual("Gap = perception - expectation", "差距 = 感知 - 期望", wrap=True))
    ax.grid(axis="y", visible=False)
    heading = title or bilingual("Satisfaction gaps", "满意度差距")
    if has_pair:
        fig.suptitle(heading, x=0.02, ha="left")
    else:
        ax.set_title(heading)
    return fig


# --- retention -----------------------------------------------------------------------
CHURN_KIND_COLUMNS = ("own_reasons", "competitor", "dropped", "value_decline")


@_styled
def churn_by_group(df, group: str | None = None, rate: str = "churn_rate", title: str | None = None,
                   group_label: str | None = None) -> Figure:
    """Churn rate per group (segment, tier, treatment, ...), as labelled bars.

    ``df``: one row per group (column ``group`` or the index) with a
    ``churn_rate`` column (0-1), optionally ``customers`` (shown as n=...).
    If it instead has columns named after the churn kinds (own_reasons,
    competitor, dropped, value_decline) holding rates, bars are stacked by
    kind, so the four kinds of churn (客户流失) can be told apart.
    """
    data = pd.DataFrame(df).copy()
    if group and group in data.columns:
        data = data.set_index(group)
    elif "group" in data.columns:
        data = data.set_index("group")
    kinds = [k for k in CHURN_KIND_COLUMNS if k in data.columns]
    if not kinds and rate not in data.columns:
        raise ValueError(f"churn_by_group needs a {rate!r} column or churn-kind columns {CHURN_KIND_COLUMNS}")
    names = [term(i) for i in data.index]
    x = np.arange(len(data))
    fig, axes = _new()
    ax = axes[0, 0]
    if kinds:
        bottom = np.zeros(len(data))
        for i, k in enumerate(kinds):
            v = pd.to_numeric(data[k], errors="coerce").fillna(0).to_numpy(dtype=float)
            ax.bar(x, v, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=term(k), width=0.7)
            bottom += v
        totals = bottom
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        totals = pd.to_numeric(data[rate], errors="coerce").to_numpy(dtype=float)
        ax.bar(x, totals, color=PALETTE[0], width=0.7)
    labels = [f"{t:.1%}" for t in totals]
    if "customers" in data.columns:
        labels = [f"{lab}\nn={int(n):,}" for lab, n in zip(labels, data["customers"])]
    for xx, t, lab in zip(x, totals, labels):
        ax.text(xx, t, lab, ha="center", va="bottom")
    ax.set_xticks(x, names, rotation=20 if max((len(n) for n in names), default=0) > 10 else 0)
    _percent_axis(ax.yaxis)
    ax.set_ylim(0, max(np.nanmax(totals, initial=0) * 1.3, 0.05))
    ax.set_ylabel(term("churn_rate"))
    if group_label:
        ax.set_xlabel(group_label)
    ax.grid(axis="x", visible=False)
    ax.set_title(title or bilingual("Churn by group", "分群客户流失率"))
    return fig


def _pick(df: pd.DataFrame, wanted: str | None, aliases: tuple[str, ...]) -> str:
    for name in ((wanted,) if wanted else ()) + aliases:
        if name in df.columns:
            return name
    raise ValueError(f"no column among {((wanted,) if wanted else ()) + aliases}; columns are {list(df.columns)}")


def _heatmap(ax, fig, matrix: pd.DataFrame, fmt, cbar_label: str, percent: bool) -> None:
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=SEQUENTIAL, aspect="auto",
                      vmin=0 if percent else None, vmax=1 if percent else None)
    ax.set_xticks(np.arange(matrix.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(np.arange(matrix.shape[0]), [str(i) for i in matrix.index])
    ax.grid(False)
    if values.size <= 160:
        finite = values[np.isfinite(values)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0
        if percent:
            mid = 0.5
        small = matplotlib.rcParams["xtick.labelsize"] * (0.85 if values.size > 60 else 1)
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(c, r, fmt(v), ha="center", va="center", fontsize=small,
                        color="black" if v > mid else "white")
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label(cbar_label)
    if percent:
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


@_styled
def rfm_heatmap(rfm_df, r: str | None = None, f: str | None = None, value: str | None = None,
                title: str | None = None) -> Figure:
    """Customers by Recency and Frequency score (RFM), coloured by count or mean value.

    ``rfm_df``: one row per customer with integer scores (columns ``r_score``
    and ``f_score``, or ``R``/``F``) and, for ``value=``, e.g. the monetary
    column ``monetary``/``m_score``; without ``value`` each cell counts
    customers. High R and F (top right) are the loyal core; high F but low R
    are valuable customers drifting away.
    """
    df = pd.DataFrame(rfm_df)
    r_col = _pick(df, r, ("r_score", "R", "recency_score", "r"))
    f_col = _pick(df, f, ("f_score", "F", "frequency_score", "f"))
    if value is None:
        matrix = df.groupby([r_col, f_col], observed=True).size().unstack(f_col)
        fmt, label = (lambda v: f"{v:,.0f}"), bilingual("Customers", "客户数")
    else:
        matrix = df.groupby([r_col, f_col], observed=True)[value].mean().unstack(f_col)
        fmt, label = (lambda v: f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2f}"), term(value)
    matrix = matrix.sort_index(ascending=False).sort_index(axis=1)
    fig, axes = _new()
    ax = axes[0, 0]
    _heatmap(ax, fig, matrix, fmt, label, percent=False)
    ax.set_ylabel(bilingual("Recency score R", "最近消费 R"))
    ax.set_xlabel(bilingual("Frequency score F", "消费频率 F"))
    ax.set_title(title or bilingual("RFM map", "RFM客户分布"))
    return fig


@_styled
def cohort_heatmap(cohort_df, cohort: str = "cohort", period: str = "period", value: str = "retention",
                   title: str | None = None) -> Figure:
    """Cohort retention: the share of each joining cohort still active N periods later.

    ``cohort_df``: a matrix (index = cohort, e.g. month joined; columns =
    periods since joining; values = share retained, 0-1), or a long table with
    columns ``cohort``, ``period`` and ``retention``. Read down a column to see
    whether newer cohorts are kept better than older ones.
    """
    df = pd.DataFrame(cohort_df)
    if {cohort, period, value} <= set(df.columns):
        df = df.pivot_table(index=cohort, columns=period, values=value, aggfunc="mean", observed=True)
    if isinstance(df.index, pd.DatetimeIndex):
        df.index = df.index.strftime("%Y-%m")
    elif isinstance(df.index, pd.PeriodIndex):
        df.index = df.index.astype(str)
    matrix = df.apply(pd.to_numeric, errors="coerce")
    values = matrix.to_numpy(dtype=float)
    percent = bool(np.nanmax(values, initial=0) <= 1.0)
    fig, axes = _new(figsize=None)
    ax = axes[0, 0]
    _heatmap(ax, fig, matrix, (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.0f}"),
             bilingual("Retained", "留存率") if percent else term(value), percent=percent)
    ax.set_xlabel(bilingual("Periods since joining", "加入后期数"))
    ax.set_ylabel(bilingual("Cohort", "客户群组"))
    ax.set_title(title or bilingual("Cohort retention", "群组留存分析"))
    return fig


# --- generic ---------------------------------------------------------------------------
@_styled
def bar(series, title: str, xlabel: str | None = None, ylabel: str | None = None, horizontal: bool = False,
        percent: bool = False, sort: bool = False, highlight: Iterable | None = None, labels: bool = True) -> Figure:
    """A labelled bar chart of one Series (index = categories), for any lesson table.

    ``percent`` formats values 0-1 as percentages; ``highlight`` lists index
    values drawn in the accent colour (e.g. the segment under discussion).
    """
    s = _as_series(series)
    if sort:
        s = s.sort_values(ascending=horizontal)
    values = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    names = [term(i) for i in s.index]
    marked = set(highlight or ())
    colors = [PALETTE[1] if i in marked else PALETTE[0] for i in s.index]
    fig, axes = _new()
    ax = axes[0, 0]
    pos = np.arange(len(values))
    if horizontal:
        bars = ax.barh(pos, values, color=colors, height=0.7)
        ax.set_yticks(pos, names)
        ax.grid(axis="y", visible=False)
        value_axis = ax.xaxis
    else:
        bars = ax.bar(pos, values, color=colors, width=0.7)
        ax.set_xticks(pos, names, rotation=20 if max((len(n) for n in names), default=0) > 10 else 0)
        ax.grid(axis="x", visible=False)
        value_axis = ax.yaxis
    if percent:
        value_axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    elif np.nanmax(np.abs(values), initial=0) >= 1000:
        _thousands(value_axis)
    if labels and len(values):
        fmt = (lambda v: f"{v:.1%}") if percent else (lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip("."))
        ax.bar_label(bars, labels=["" if np.isnan(v) else fmt(v) for v in values], padding=3)
        if horizontal:
            ax.margins(x=0.15)
        else:
            ax.margins(y=0.15)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig


@_styled
def line(series, title: str, ylabel: str | None = None, percent: bool = False, smooth: int = 1) -> Figure:
    """One Series over time (index = dates or periods) as a thick line.

    ``smooth`` > 1 adds a rolling mean over that many points, drawn bold over
    the raw values, for noisy daily data.
    """
    s = pd.to_numeric(_as_series(series), errors="coerce")
    fig, axes = _new()
    ax = axes[0, 0]
    if smooth > 1:
        ax.plot(s.index, s.to_numpy(dtype=float), color=PALETTE[0], alpha=0.3, linewidth=1.2)
        ax.plot(s.index, s.rolling(smooth, min_periods=min(smooth, len(s))).mean().to_numpy(dtype=float), color=PALETTE[0])
    else:
        ax.plot(s.index, s.to_numpy(dtype=float), color=PALETTE[0])
    if isinstance(s.index, pd.DatetimeIndex):
        locator = AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if percent:
        _percent_axis(ax.yaxis)
    elif np.nanmax(np.abs(s.to_numpy(dtype=float)), initial=0) >= 1000:
        _thousands(ax.yaxis)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    return fig
