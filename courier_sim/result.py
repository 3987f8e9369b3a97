"""``simulate(scenario) -> Result``: the run's tables, and writing them to disk.

The Result is the branch's year-end binder: one tidy table per record type
(see ``records``), plus the scenario and seed that produced it, so any run
can be repeated exactly. Exports write into a temporary folder first and
move it into place at the end: a complete set of files, or none.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import export, population, records
from .engine import Engine
from .scenario import Scenario, preset

_MINUTE_NS = 60 * 10**9

_SERVICE_NAMES = np.array([
    ",".join(name for bit, name in enumerate(records.SERVICES) if mask >> bit & 1)
    for mask in range(1 << len(records.SERVICES))
], dtype=object)


@dataclass
class Result:
    """All tables of one run (DataFrames) and the scenario that made them."""
    scenario: Scenario
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def seed(self) -> int:
        return self.scenario.seed

    def summary(self) -> str:
        """A few lines for the terminal or a notebook (the same KPIs as the dashboards)."""
        from .kpis import kpis
        k = kpis(self)
        c = self.customers
        return "\n".join([
            f"Scenario: {self.scenario.days} days from {self.scenario.start}, seed {self.seed}",
            f"Customers ever ours: {int(c['joined'].notna().sum()):,}; churned: {k['churned']:,}",
            f"Parcels: {k['parcels']:,}; on time: {k['on_time_rate']:.1%}; revenue: {k['revenue']:,.0f} yuan; "
            f"profit after retention and sales spending: {k['profit']:,.0f} yuan",
            f"Complaints: {len(self.complaints):,} ({k['complaints_per_1000']:.2f} per 1,000 parcels)",
        ])

    # --- export -----------------------------------------------------------------
    def export(self, directory, fmt: str = "csv") -> Path:
        """One file per table plus scenario.json, written completely or not at all."""
        return export.write_tables(self.tables, self.scenario.to_json(), directory, fmt)

    def to_csv(self, directory) -> Path:
        """CSV in UTF-8 with a BOM, so Excel on Chinese Windows opens it correctly."""
        return self.export(directory, "csv")

    def to_parquet(self, directory) -> Path:
        return self.export(directory, "parquet")

    def to_excel(self, path) -> Path:
        """One workbook, a sheet per table plus the scenario (atomic)."""
        return export.write_workbook(self.tables, self.scenario.to_dict(), path)


def simulate(scenario: Scenario | None = None, **overrides) -> Result:
    """Run one scenario (default: the baseline preset) and return its tables."""
    if scenario is None:
        scenario = preset("baseline", **overrides)
    elif overrides:
        scenario = scenario.replace(**overrides)
    market = population.draw(scenario)
    engine = Engine(scenario, market).run()
    return Result(scenario, build_tables(engine))


# --- from engine state to tables -------------------------------------------------
def _clock(start, days: np.ndarray) -> np.ndarray:
    """Day offsets (floats, NaN/inf for never) to datetimes rounded to the minute."""
    minutes = np.asarray(days, dtype=float) * 1440.0
    np.rint(minutes, out=minutes)
    ok = np.isfinite(minutes)
    every = bool(ok.all())  # parcels' times always are: no masked copy of millions of rows
    ns = (minutes if every else np.where(ok, minutes, 0.0)).astype(np.int64)
    ns *= _MINUTE_NS
    ns += pd.Timestamp(start).value
    if not every:
        ns[~ok] = np.iinfo(np.int64).min  # NaT
    return ns.view("datetime64[ns]")


def _codes(table: tuple[str, ...], codes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(table))


def build_tables(e: Engine) -> dict[str, pd.DataFrame]:
    start = e.sc.start
    tables = {
        "customers": _customers(e),
        "shipments": _shipments(e, start),
        "complaints": _complaints(e, start),
    }
    tables["events"] = records.frame("events", {
        "event_id": np.arange(1, len(e.events) + 1),
        "kind": [ev[0] for ev in e.events],
        "start": _clock(start, [ev[1] for ev in e.events]),
        "end": _clock(start, [ev[2] for ev in e.events]),
        "segment": [ev[3] for ev in e.events],
        "detail": [ev[4] for ev in e.events],
    })
    tables["daily"] = _daily(e, start, tables["complaints"], tables["customers"])
    tables["stage_changes"] = records.frame("stage_changes", {
        "customer_id": e.ids[[x[0] for x in e.stage_changes]] if e.stage_changes else [],
        "date": _clock(start, [x[1] for x in e.stage_changes]),
        "from_stage": [x[2] for x in e.stage_changes],
        "to_stage": [x[3] for x in e.stage_changes],
    })
    contacts = sorted(e.contacts, key=lambda x: (x[1], x[0]))
    tables["contacts"] = records.frame("contacts", {
        "contact_id": np.arange(1, len(contacts) + 1),
        "customer_id": e.ids[[x[0] for x in contacts]] if contacts else [],
        "date": _clock(start, [x[1] for x in contacts]),
        "topic": [x[2] for x in contacts],
        "mentions_competitor": np.array([x[3] for x in contacts], dtype=bool),
        "note": [x[4] for x in contacts],
    })
    tables["sales"] = _sales(e, start)
    tables["pitches"] = _pitches(e, start)
    tables["surveys"] = _surveys(e, start)
    actions = sorted(e.retention_actions, key=lambda x: (x[1], x[0]))
    tables["retention_actions"] = records.frame("retention_actions", {
        "action_id": np.arange(1, len(actions) + 1),
        "customer_id": e.ids[[x[0] for x in actions]] if actions else [],
        "date": _clock(start, [x[1] for x in actions]),
        "action": [x[2] for x in actions],
        "cost": np.round(np.array([x[3] for x in actions], dtype=float), 2),
    })
    return tables


def _names(table: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    return np.array(table, dtype=object)[np.asarray(codes, dtype=np.int64)] if len(codes) else np.array([], dtype=object)


def _sales(e: Engine, start) -> pd.DataFrame:
    c = e.sales.table_columns()
    return records.frame("sales", {
        "lead_id": np.arange(1, len(c["customer"]) + 1),
        "customer_id": e.ids[c["customer"]],
        "method": _names(records.METHODS, c["method"]),
        "rep": c["rep"],
        "lead_date": _clock(start, c["lead"]),
        "qualified": _clock(start, c["qualified"]),
        "visited": _clock(start, c["visited"]),
        "proposal": _clock(start, c["proposal"]),
        "closed": _clock(start, c["closed"]),
        "result": _names(records.LEAD_RESULTS, c["result"]),
        "lost_reason": np.where(c["lost_reason"] >= 0, _names(records.LOST_REASONS, np.maximum(c["lost_reason"], 0)), None),
        "cost": c["cost"],
    })


def _pitches(e: Engine, start) -> pd.DataFrame:
    c = e.promotion.columns()
    return records.frame("pitches", {
        "pitch_id": np.arange(1, len(c["customer"]) + 1),
        "customer_id": e.ids[c["customer"].astype(np.int64)],
        "date": _clock(start, c["time"]),
        "service": _names(records.OFFERS, c["offer"]),
        "accepted": c["accepted"].astype(bool),
        "annoyed": c["annoyed"].astype(bool),
    })


def _surveys(e: Engine, start) -> pd.DataFrame:
    c = e.surveys.columns()
    return records.frame("surveys", {
        "response_id": np.arange(1, len(c["customer"]) + 1),
        "customer_id": e.ids[c["customer"].astype(np.int64)],
        "wave": c["wave"].astype(np.int64),
        "date": _clock(start, c["time"]),
        "dimension": _names(records.DIMENSIONS, c["dimension"]),
        "expectation": c["expectation"].astype(float),
        "perception": c["perception"].astype(float),
    })


def _customers(e: Engine) -> pd.DataFrame:
    m = e.market
    cols = {name: m[name].to_numpy() for name in records.Customer._fields if name in m.columns}
    joined = np.where(np.isfinite(e.joined) & (e.joined > 0), _clock(e.sc.start, e.joined), m["joined"].to_numpy("datetime64[ns]"))
    cols.update(
        courier=e.courier,
        joined=joined,
        acquisition_channel=e.channel,
        relationship_stage=e.stage,
        churn_date=_clock(e.sc.start, np.where(e.churn_day < e.days, e.churn_day, np.inf)),
        churn_kind=np.where(e.churn_day < e.days, e.churn_kind, None),
        treatment=e.treatment,
        satisfaction=np.round(e.satisfaction, 4),
        pickup_km=np.round(m["pickup_km"].to_numpy(), 2),
        item_value=np.round(m["item_value"].to_numpy(), 0),
        fragility=np.round(m["fragility"].to_numpy(), 3),
    )
    # a customer still in its leaving ramp at the end has not left yet
    still_ours = ~(e.churn_day < e.days) & (np.isfinite(e.joined) | (m["courier"].to_numpy() == "us"))
    cols["courier"] = np.where(still_ours, "us", cols["courier"])
    for col in ("w_price", "w_speed", "w_safety", "w_convenience", "w_value_added", "w_brand",
                "exp_price", "exp_speed", "exp_safety", "exp_convenience", "exp_value_added", "exp_brand"):
        cols[col] = np.round(cols[col], 4)
    return records.frame("customers", cols)


def _shipments(e: Engine, start) -> pd.DataFrame:
    log = e.logs["shipments"]
    customer = log.pop("customer").astype(np.int64)
    columns = {
        "shipment_id": np.arange(1, len(customer) + 1),
        "customer_id": e.ids[customer] if len(customer) else np.array([], dtype=np.int64),
    }
    del customer
    for name in ("created", "picked_up", "promised", "delivered"):
        columns[name] = _clock(start, log.pop(name))
    columns["product"] = _codes(records.PRODUCTS, log.pop("product"))
    columns["services"] = _used_codes(_SERVICE_NAMES, log.pop("services"))
    columns["route"] = _codes(records.ROUTES, log.pop("route"))
    columns["weight_kg"] = log.pop("weight").astype(float, copy=False)
    columns["declared_value"] = log.pop("declared").astype(float, copy=False)
    columns["goods"] = _codes(records.GOODS, log.pop("goods"))
    columns["price"] = log.pop("price").astype(float, copy=False)
    columns["cost"] = log.pop("cost").astype(float, copy=False)
    columns["outcome"] = _codes(records.OUTCOMES, log.pop("outcome"))
    return fast_frame(columns)


def _used_codes(names: np.ndarray, codes: np.ndarray) -> pd.Categorical:
    """A categorical of only the names that occur, in code order (a bincount, not a hash of every row)."""
    codes = np.asarray(codes, dtype=np.int64)
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))
    renumber = np.zeros(len(names), dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return pd.Categorical.from_codes(renumber[codes], categories=list(names[used]))


def fast_frame(columns: dict) -> pd.DataFrame:
    """A DataFrame that keeps each column as its own block (no copying them together).

    ``pd.DataFrame(dict)`` stacks same-typed columns into 2-D blocks, a full
    copy that costs more than the simulation of the year's parcels.
    """
    return pd.concat({name: pd.Series(values, name=name, copy=False) for name, values in columns.items()}, axis=1)


def _complaints(e: Engine, start) -> pd.DataFrame:
    rows = sorted(e.complaints, key=lambda x: (x[3], x[1], x[2]))
    return records.frame("complaints", {
        "complaint_id": np.arange(1, len(rows) + 1),
        "shipment_id": np.array([r[1] + 1 for r in rows], dtype=np.int64),
        "customer_id": e.ids[[r[0] for r in rows]] if rows else np.array([], dtype=np.int64),
        "cause": [r[2] for r in rows],
        "opened": _clock(start, [r[3] for r in rows]),
        "responded": _clock(start, [r[4] for r in rows]),
        "resolved": _clock(start, [r[5] for r in rows]),
        "compensation": np.round(np.array([r[6] for r in rows], dtype=float), 2),
        "recovered": np.array([r[7] for r in rows], dtype=bool),
    })


def _daily(e: Engine, start, complaints: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    c = e.logs["daily"].columns()
    segments = np.array(records.CUSTOMER_TYPES + ("all",))
    df = pd.DataFrame({
        "date": _clock(start, c["day"]),
        "segment": segments[c["segment"].astype(np.int64)],
        "parcels": c["parcels"].astype(np.int64),
        "on_time_rate": np.where(c["parcels"] > 0, c["on_time"] / np.maximum(c["parcels"], 1), np.nan),
        "revenue": np.round(c["revenue"].astype(float), 2),
        "active_customers": c["active"].astype(np.int64),
    })
    seg_of = customers.set_index("customer_id")["customer_type"].astype(str)
    opened = complaints.assign(date=complaints["opened"].dt.floor("D"),
                               segment=complaints["customer_id"].map(seg_of).to_numpy())
    per_seg = opened.groupby(["date", "segment"]).size()
    per_all = opened.groupby("date").size()
    key = pd.MultiIndex.from_arrays([df["date"], df["segment"]])
    counts = per_seg.reindex(key).to_numpy()
    all_counts = per_all.reindex(df["date"]).to_numpy()
    df["complaints"] = np.where(df["segment"] == "all", all_counts, counts)
    df["complaints"] = df["complaints"].fillna(0).astype(np.int64)
    df["on_time_rate"] = df["on_time_rate"].round(4)
    return records.frame("daily", df.to_dict("series"))
