"""Dashboards for lessons and trainers: change a lever, press Run, see the consequences.

Built for a full classroom on a shared server:

- controls come from the declarative parameter spec ``scenario.PARAMS`` (as
  Mesa's ``model_params`` drive its controls), so a new lever gets a widget
  without touching this module;
- a run starts from the Run button only (sliders use
  ``continuous_update=False`` and never simulate), and runs are cached by
  scenario, keeping only small aggregates (KPIs and the daily table: about
  140 kB) rather than shipment logs (about 18 MB each);
- figures go into an ``ipywidgets.Output`` by replacing its ``outputs`` with
  a PNG, not with ``with out:`` (which captures nothing inside asynchronous
  callbacks, ipywidgets issues 2231 and 3993), and are closed after drawing;
- every action is a plain method (``Dashboard.run()``, ``load_preset()``), so
  tests drive a dashboard without a browser, and widgets carry CSS classes
  (``courier-run-button``, ``courier-kpi``, ``courier-figure``, ...) for
  browser tests.
"""
from __future__ import annotations

import base64
import html
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

import ipywidgets as W
import pandas as pd

from . import plots
from . import scenario as _scenario
from .kpis import HEADLINE, KPI_LABELS, format_kpi
from .kpis import kpis as compute_kpis
from .scenario import Param, Scenario, ScenarioError, check_names

# Readable names of choice values shown in dropdowns (English, 中文).
CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "none": ("None", "无"),
    "falcon": ("Falcon, premium rival", "飞鹰·高端对手"),
    "sparrow": ("Sparrow, low-price rival", "麻雀·低价对手"),
    "minimal": ("Minimal", "最低赔偿"),
    "standard": ("Standard", "标准赔偿"),
    "generous": ("Generous", "从优赔偿"),
    **{k: v for k, v in plots.TERMS.items() if k in ("enterprise", "individual", "cbd", "specialty", "ecommerce", "all")},
}
DESCRIPTION_STYLE = {"description_width": "initial"}


def _both(en: str, zh: str = "") -> str:
    return f"{en} ({zh})" if zh else en


def _params() -> tuple[Param, ...]:
    # read at call time: PARAMS grows as levers are added
    return _scenario.PARAMS


def lever_names() -> list[str]:
    """Names of the parameters marked ``lever=True`` (what-if controls), in spec order."""
    return [p.name for p in _params() if p.lever]


def _check_names(names: Iterable[str]) -> list[str]:
    names = list(names)
    check_names(names, {p.name: p for p in _params()})
    return names


def _step(low: float, high: float) -> float:
    """A power of ten giving about 50-500 positions over the range (0.01 for 0.5-2.0)."""
    span = float(high) - float(low)
    if span <= 0:
        return 0.1
    return 10.0 ** math.floor(math.log10(span / 50))


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def control_for(param: Param, value: Any = None) -> W.ValueWidget:
    """One widget for one parameter, its kind chosen from the spec.

    choices → Dropdown; bool → Checkbox; int → IntSlider (BoundedIntText
    for ranges over 100,000, like a seed); float → FloatSlider; date →
    DatePicker; other text → Text. Sliders have
    ``continuous_update=False``: dragging never triggers work.
    """
    value = param.default if value is None else value
    common = dict(
        description=_both(param.label or param.name, param.label_zh),
        tooltip=f"{param.name}: {param.allowed()}",
        style=DESCRIPTION_STYLE,
        layout=W.Layout(width="98%", max_width="46em"),
    )
    kind = param.kind
    if param.choices:
        options = [(_both(*CHOICE_LABELS[c]) if c in CHOICE_LABELS else str(c), c) for c in param.choices]
        widget = W.Dropdown(options=options, value=value, **common)
    elif kind is bool:
        widget = W.Checkbox(value=bool(value), indent=False, **common)
    elif kind is int:
        span = int(param.high) - int(param.low)
        if span > 100_000:  # e.g. a seed: no slider can point at one value in millions
            widget = W.BoundedIntText(value=value, min=param.low, max=param.high, **common)
        else:
            step = 1 if span <= 2000 else int(10 ** math.floor(math.log10(span / 1000)))
            widget = W.IntSlider(value=value, min=param.low, max=param.high, step=step,
                                 continuous_update=False, **common)
    elif kind is float:
        step = _step(param.low, param.high)
        widget = W.FloatSlider(value=value, min=param.low, max=param.high, step=step,
                               readout_format=f".{_decimals(step)}f", continuous_update=False, **common)
    elif kind is date:
        widget = W.DatePicker(value=value, min=param.low, max=param.high, **common)
    else:
        widget = W.Text(value=str(value), **common)
    widget.add_class("courier-control")
    widget.add_class(f"courier-param-{param.name.replace('_', '-')}")
    return widget


def controls_from_params(names: Iterable[str] | None = None, values: dict | None = None) -> dict[str, W.ValueWidget]:
    """Widgets for the named parameters (default: every lever), keyed by name.

    ``values`` (e.g. ``scenario.to_dict()``) sets the starting values;
    otherwise the spec's defaults. Unknown names raise ``ScenarioError``.
    """
    by_name = {p.name: p for p in _params()}
    chosen = lever_names() if names is None else _check_names(names)
    values = values or {}
    return {name: control_for(by_name[name], values.get(name)) for name in chosen}


def control_values(controls: dict[str, W.ValueWidget]) -> dict[str, Any]:
    """Current values of controls, floats rounded to the slider's precision (stable cache keys)."""
    out = {}
    for name, widget in controls.items():
        value = widget.value
        if isinstance(widget, W.FloatSlider):
            value = round(float(value), _decimals(widget.step) + 2)
        out[name] = value
    return out


# --- running and caching ---------------------------------------------------------------
@dataclass
class RunSummary:
    """What a dashboard keeps of a run: small aggregates, never the shipment log."""
    scenario: Scenario
    kpis: dict
    daily: pd.DataFrame
    extra: dict = field(default_factory=dict)


def summarize(result, scenario: Scenario | None = None,
              extra: Callable[[Any], dict] | None = None) -> RunSummary:
    """Reduce a ``Result`` to a ``RunSummary``; ``extra(result)`` may add small tables."""
    return RunSummary(
        scenario=scenario if scenario is not None else getattr(result, "scenario", None),
        kpis=compute_kpis(result),
        daily=getattr(result, "daily"),
        extra=dict(extra(result)) if extra else {},
    )


class RunCache:
    """A small least-recently-used cache of ``RunSummary`` objects keyed by scenario."""

    def __init__(self, maxsize: int = 32):
        self.maxsize = maxsize
        self._items: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return None

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key) -> bool:
        return key in self._items


RUN_CACHE = RunCache()  # shared by the dashboards of one kernel: the same scenario never runs twice


def _default_simulate(scenario):
    from .result import simulate  # the engine (SimPy) is imported only when a run is asked for
    return simulate(scenario)


def default_render(summary: RunSummary):
    """The default dashboard figure: daily parcels with the on-time rate."""
    return plots.daily_volume(summary.daily)


# --- figures into Output widgets --------------------------------------------------------
def show_figure(out: W.Output, fig, alt: str | None = None) -> None:
    """Replace what ``out`` shows with ``fig`` as a PNG, then close the figure.

    Sets ``out.outputs`` directly (what ``append_display_data`` does) with
    PNG bytes made here, so it works inside asynchronous callbacks, outside
    IPython (tests) and under any matplotlib backend (no reliance on the
    inline backend's figure formatter).
    """
    try:
        png = plots.figure_to_png(fig)
        if alt is None:
            titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center") if ax.get_title(loc)]
            suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
            alt = suptitle or (titles[0] if titles else "figure")
        out.outputs = ()
        out.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"<Figure: {alt}>"},
            "metadata": {},
        },)
    finally:
        close_figure(fig)


def close_figure(fig) -> None:
    """Release a figure; only pyplot-made figures need (and get) ``plt.close``."""
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt
        plt.close(fig)


def kpi_html(kpis: dict, previous: dict | None = None, names: Iterable[str] = HEADLINE) -> str:
    """The KPI line: 'Parcels 件量 12,345 (▲ 2.1%) · On-time rate 准时率 93.4% ...'."""
    parts = []
    for name in names:
        if name not in kpis:
            continue
        en, zh, _ = KPI_LABELS.get(name, (name, "", "{}"))
        text = f"<b>{html.escape(en)}</b> {html.escape(zh)} <span class='courier-kpi-value'>{html.escape(format_kpi(name, kpis[name]))}</span>"
        if previous and name in previous:
            text += _delta(name, kpis[name], previous[name])
        parts.append(f"<span class='courier-kpi-item' data-kpi='{name}'>{text}</span>")
    return "<div class='courier-kpi-line' style='font-size:1.15em;line-height:1.8'>" + " &nbsp;·&nbsp; ".join(parts) + "</div>"


def _delta(name: str, new, old) -> str:
    try:
        new, old = float(new), float(old)
    except (TypeError, ValueError):
        return ""
    if math.isnan(new) or math.isnan(old) or new == old:
        return ""
    arrow = "▲" if new > old else "▼"
    if name.endswith("_rate"):
        change = f"{(new - old) * 100:+.1f} pt"
    elif old != 0:
        change = f"{(new - old) / abs(old):+.1%}"
    else:
        change = f"{new - old:+,.0f}"
    return f" <small title='change since the previous run (与上次运行相比)'>({arrow} {change})</small>"


# --- the scenario dashboard ----------------------------------------------------------------
class Dashboard:
    """Levers, presets, a Run button, a KPI line and a figure, for one base scenario.

    ``base``: a ``Scenario``, a preset name, or None (the baseline preset).
    ``levers``: parameter names to expose (default: every ``lever=True`` one).
    ``render(summary) -> Figure`` draws the figure (default: daily volume).
    ``simulate(scenario) -> Result`` is injectable (tests pass a fake).
    ``extra(result) -> dict`` keeps more small tables in the cached summary
    for ``render``. ``presets``: a dict like ``scenario.PRESETS`` (empty: no
    preset menu). ``progress=True`` shows a tqdm progress bar during runs.
    """

    def __init__(self, base: Scenario | str | None = None, levers: Iterable[str] | None = None,
                 render: Callable[[RunSummary], Any] | None = None, *,
                 simulate: Callable[[Scenario], Any] | None = None,
                 extra: Callable[[Any], dict] | None = None,
                 presets: dict | None = None, cache: RunCache | None = None,
                 progress: bool = False, title: str | None = None):
        if base is None:
            base = "baseline"
        start_preset = base if isinstance(base, str) else None
        self.presets = dict(_scenario.PRESETS if presets is None else presets)
        if isinstance(base, str):
            base = self._from_preset(_scenario.make(), base)
        self.origin: Scenario = base
        self.base: Scenario = base
        self.render = render or default_render
        self.simulate = simulate or _default_simulate
        self.extra = extra
        self.cache = RUN_CACHE if cache is None else cache
        self.progress = progress
        self.last: RunSummary | None = None
        self.runs = 0  # simulations actually run (cache misses)

        self.controls = controls_from_params(levers, values=base.to_dict())
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")

        self.preset = W.Dropdown(
            options=[(f"{name} — {p.description_zh}" if getattr(p, "description_zh", "") else name, name)
                     for name, p in self.presets.items()],
            value=start_preset if start_preset in self.presets else None,
            description=_both("Preset", "预设情景"), style=DESCRIPTION_STYLE,
            layout=W.Layout(width="98%", max_width="46em"))
        self.preset.add_class("courier-preset")
        self.preset.observe(self._on_preset, names="value")

        self.run_button = W.Button(description="Run simulation (运行模拟)", button_style="primary", icon="play",
                                   tooltip="Simulate the scenario with these settings",
                                   layout=W.Layout(width="auto"))
        self.run_button.add_class("courier-run-button")
        self.run_button.on_click(self._on_click)

        self.status = W.HTML(value=_status("Set the levers, then press Run. (调整参数后点击运行)"))
        self.status.add_class("courier-status")
        self.kpi = W.HTML(value="")
        self.kpi.add_class("courier-kpi")
        self.out = W.Output(layout=W.Layout(min_height="2em"))
        self.out.add_class("courier-figure")
        self.progress_box = W.Box()
        self.progress_box.add_class("courier-progress")

        header = [W.HTML(f"<h3 style='margin:0.2em 0'>{html.escape(title)}</h3>")] if title else []
        menu = [self.preset] if self.presets else []
        self.widget = W.VBox(header + menu + list(self.controls.values())
                             + [W.HBox([self.run_button, self.status]), self.progress_box, self.kpi, self.out])
        self.widget.add_class("courier-dashboard")

    # --- what the buttons do ----------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The controls' current values, by parameter name."""
        return control_values(self.controls)

    def scenario(self) -> Scenario:
        """The scenario the controls describe (raises ``ScenarioError`` if invalid)."""
        return self.base.replace(**self.values())

    def run(self, _button=None) -> RunSummary | None:
        """Simulate the current settings (or fetch them from the cache) and redraw.

        Invalid settings put the ``ScenarioError`` message in the status line
        and return None; nothing is raised, so a classroom sees a sentence,
        not a traceback.
        """
        try:
            scenario = self.scenario()
        except ScenarioError as error:
            self.status.value = _status(f"Invalid settings (参数无效): {error}", error=True)
            return None
        self.run_button.disabled = True
        bar = self._progress_bar()
        try:
            key = (self.simulate, self.extra, scenario)
            summary = self.cache.get(key)
            cached = summary is not None
            if not cached:
                self.status.value = _status("Running… (模拟中)")
                try:
                    result = self.simulate(scenario)
                except ScenarioError as error:
                    self.status.value = _status(f"Invalid settings (参数无效): {error}", error=True)
                    return None
                self.runs += 1
                _advance(bar, "summarising")
                summary = summarize(result, scenario, self.extra)
                del result  # only the summary is kept
                self.cache.put(key, summary)
            _advance(bar, "drawing", 2 if cached else 1)
            self.draw(summary)
            _advance(bar, "done")
            previous = self.last.kpis if self.last is not None and self.last.scenario != scenario else None
            self.kpi.value = kpi_html(summary.kpis, previous)
            self.last = summary
            self.status.value = _status(("Done, from cache (已完成·缓存)" if cached else "Done (已完成)")
                                        + f" — {_changes(self.origin, scenario)}")
            return summary
        except Exception as error:
            self.status.value = _status(f"Run failed (运行失败): {type(error).__name__}: {error}", error=True)
            raise
        finally:
            self.run_button.disabled = False
            if bar is not None:
                bar.close()

    def draw(self, summary: RunSummary) -> None:
        """Render ``summary`` into the figure area (replacing the previous figure)."""
        fig = self.render(summary)
        if fig is None:
            self.out.outputs = ()
        else:
            show_figure(self.out, fig)

    def load_preset(self, name: str) -> Scenario:
        """Put a preset's values into the controls (the run waits for the button).

        The preset sets every lever (its own value or the default) and any
        field it names; the classroom size, calendar and seed of the
        dashboard's base scenario stay as they were.
        """
        if name not in self.presets:
            raise ScenarioError(f"preset: {name!r} is not a preset; allowed one of {', '.join(self.presets)}")
        if self.preset.value != name:
            self.preset.value = name  # its observer calls back here with the menu in step
            return self.base
        self.base = self._from_preset(self.origin, name)
        for field_name, widget in self.controls.items():
            widget.value = getattr(self.base, field_name)
        self.status.value = _status(f"Preset {name!r} loaded: press Run. (已载入预设,请点击运行)")
        return self.base

    def _from_preset(self, origin: Scenario, name: str) -> Scenario:
        presets = getattr(self, "presets", None) or _scenario.PRESETS
        if name not in presets:
            raise ScenarioError(f"preset: {name!r} is not a preset; allowed one of {', '.join(presets)}")
        values = origin.to_dict()
        values.update({p.name: p.default for p in _params() if p.lever})
        values.update(presets[name].overrides)
        return _scenario.make(**values)

    # --- widget callbacks ---------------------------------------------------------------
    def _on_click(self, button) -> None:
        self.run()

    def _on_change(self, change) -> None:
        # never simulate here: a slider drag must stay free for a room of 40 students
        self.status.value = _status("Settings changed: press Run. (设置已更改,请点击运行)")

    def _on_preset(self, change) -> None:
        if change["new"] is not None and change["new"] != change["old"]:
            self.load_preset(change["new"])

    def _progress_bar(self):
        if not self.progress:
            return None
        # tqdm.notebook's bar is itself a widget: shown inside the dashboard, it
        # also works from a button callback, where display() would go nowhere.
        from tqdm.notebook import tqdm
        bar = tqdm(total=3, desc="simulating", display=False, leave=False)
        self.progress_box.children = (bar.container,)
        return bar

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _advance(bar, stage: str, n: int = 1) -> None:
    if bar is not None:
        bar.set_description(stage, refresh=False)
        bar.update(n)


def _status(text: str, error: bool = False) -> str:
    colour = "#B00020" if error else "#333"
    cls = "courier-error" if error else "courier-message"
    return f"<span class='{cls}' style='color:{colour};font-size:1.05em'>{html.escape(text)}</span>"


def _changes(origin: Scenario, scenario: Scenario) -> str:
    diff = [f"{k}={v}" for k, v in scenario.to_dict().items() if getattr(origin, k) != v]
    return ("changed: " + ", ".join(diff)) if diff else "base scenario"


def scenario_dashboard(base: Scenario | str | None = None, levers: Iterable[str] | None = None,
                       render: Callable[[RunSummary], Any] | None = None, **options) -> Dashboard:
    """Build a ``Dashboard`` (see its docstring); display it as a cell's last value."""
    return Dashboard(base, levers, render, **options)


# --- a data explorer for lessons ------------------------------------------------------------
class Explorer:
    """Pick a group and a metric from dropdowns; the chart redraws at once.

    Made for tables like ``daily`` (date × segment × metrics) but works on any
    DataFrame: ``by`` names the group column (None: no group menu), ``x`` the
    axis column (None: the index). Rows sharing an ``x`` value are summed, or
    averaged for metrics ending in ``_rate``. Drawing is cheap (no
    simulation), so the dropdowns redraw immediately.
    """

    def __init__(self, df: pd.DataFrame, metrics: Iterable[str] | None = None, by: str | None = "segment",
                 x: str | None = "date", smooth: int = 7, style: str = "projector"):
        self.df = df
        self.by = by if by in df.columns else None
        self.x = x if x in df.columns else None
        self.smooth = smooth
        self.style = style
        numeric = [c for c in df.select_dtypes("number").columns if c not in (self.x, self.by)]
        self.metrics = list(metrics) if metrics is not None else numeric
        if not self.metrics:
            raise ValueError("explorer needs at least one numeric column to show")
        self.metric = W.Dropdown(options=[(plots.term(m), m) for m in self.metrics], value=self.metrics[0],
                                 description=_both("Metric", "指标"), style=DESCRIPTION_STYLE)
        self.metric.add_class("courier-metric")
        controls = [self.metric]
        self.group = None
        if self.by:
            groups = [str(g) for g in pd.unique(df[self.by].astype(str))]
            first = "all" if "all" in groups else groups[0]
            self.group = W.Dropdown(options=[(plots.term(g), g) for g in groups], value=first,
                                    description=_both("Group", "分组"), style=DESCRIPTION_STYLE)
            self.group.add_class("courier-group")
            controls.insert(0, self.group)
        self.out = W.Output()
        self.out.add_class("courier-figure")
        for widget in controls:
            widget.observe(lambda change: self.draw(), names="value")
        self.widget = W.VBox([W.HBox(controls), self.out])
        self.widget.add_class("courier-explorer")
        self.draw()

    def series(self) -> pd.Series:
        """The numbers currently on screen."""
        rows = self.df
        if self.group is not None:
            rows = rows[rows[self.by].astype(str) == self.group.value]
        metric = self.metric.value
        how = "mean" if metric.endswith("_rate") else "sum"
        keys = rows[self.x] if self.x else rows.index
        return rows.groupby(keys, observed=True, sort=True)[metric].agg(how)

    def figure(self):
        s = self.series()
        metric = self.metric.value
        title = plots.term(metric) + ("" if self.group is None else f" — {plots.term(self.group.value)}")
        percent = metric.endswith("_rate")
        if pd.api.types.is_datetime64_any_dtype(s.index):
            return plots.line(s, title, percent=percent, smooth=self.smooth if len(s) > 3 * self.smooth else 1,
                              style=self.style)
        return plots.bar(s, title, percent=percent, style=self.style)

    def draw(self) -> None:
        show_figure(self.out, self.figure())

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def explorer(df: pd.DataFrame, metrics: Iterable[str] | None = None, by: str | None = "segment",
             x: str | None = "date", **options) -> Explorer:
    """Build an ``Explorer`` (see its docstring); display it as a cell's last value."""
    return Explorer(df, metrics, by, x, **options)
