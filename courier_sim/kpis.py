"""The headline KPIs of a run, as one small dict.

The dashboard's KPI line, the trainer notebook's scenario comparisons and the
tests all read the same numbers from here, so "profit" means one thing
everywhere. Pure pandas: no matplotlib, no widgets.
"""
from __future__ import annotations

import math

import pandas as pd

# name -> (English, 中文, format)
KPI_LABELS: dict[str, tuple[str, str, str]] = {
    "parcels": ("Parcels", "件量", "{:,.0f}"),
    "on_time_rate": ("On-time rate", "准时率", "{:.1%}"),
    "complaints_per_1000": ("Complaints per 1,000 parcels", "千件投诉率", "{:.2f}"),
    "churned": ("Churned customers", "流失客户数", "{:,.0f}"),
    "revenue": ("Revenue (yuan)", "收入(元)", "{:,.0f}"),
    "cost": ("Cost (yuan)", "成本(元)", "{:,.0f}"),
    "profit": ("Profit (yuan)", "利润(元)", "{:,.0f}"),
}
HEADLINE = ("parcels", "on_time_rate", "complaints_per_1000", "churned", "revenue", "profit")


def _table(result, name: str) -> pd.DataFrame | None:
    tables = getattr(result, "tables", None)
    if isinstance(tables, dict):
        return tables.get(name)
    return getattr(result, name, None)


def _column_sum(df: pd.DataFrame | None, column: str) -> float:
    if df is None or column not in df.columns or len(df) == 0:
        return 0.0
    return float(pd.to_numeric(df[column], errors="coerce").sum())


def kpis(result) -> dict[str, float]:
    """Headline KPIs of a ``Result`` (or anything with the same tables).

    - parcels: shipments carried; on_time_rate: share delivered on time;
    - complaints_per_1000: complaints per 1,000 parcels;
    - churned: customers with a churn date;
    - revenue: shipment prices; cost: shipment costs **plus** retention
      spending and prospecting cost, so a retention lever is never free;
    - profit: revenue - cost.
    Rates are NaN when there were no parcels.
    """
    shipments = _table(result, "shipments")
    complaints = _table(result, "complaints")
    customers = _table(result, "customers")
    parcels = 0 if shipments is None else len(shipments)
    on_time = float((shipments["outcome"] == "on_time").mean()) if parcels else math.nan
    n_complaints = 0 if complaints is None else len(complaints)
    churned = 0
    if customers is not None and "churn_date" in customers.columns:
        churned = int(customers["churn_date"].notna().sum())
    revenue = _column_sum(shipments, "price")
    cost = (_column_sum(shipments, "cost")
            + _column_sum(_table(result, "retention_actions"), "cost")
            + _column_sum(_table(result, "sales"), "cost"))
    return {
        "parcels": parcels,
        "on_time_rate": on_time,
        "complaints_per_1000": 1000.0 * n_complaints / parcels if parcels else math.nan,
        "churned": churned,
        "revenue": round(revenue, 2),
        "cost": round(cost, 2),
        "profit": round(revenue - cost, 2),
    }


def format_kpi(name: str, value) -> str:
    """A KPI value as text for people ('93.1%', '12,345'); unknown names via str()."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    fmt = KPI_LABELS.get(name, (name, "", "{}"))[2]
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def kpi_table(runs: dict[str, dict]) -> pd.DataFrame:
    """KPI dicts of several named runs as one table (rows: runs, columns: KPIs)."""
    return pd.DataFrame.from_dict(runs, orient="index")
