"""What learners compute: small pandas functions shared by lessons, exercises and checks.

Each takes tables shaped like ``records`` and returns a DataFrame, Series or
number, like the formulas on a branch manager's spreadsheet: RFM analysis
(RFM分析), Pareto tiers (二八法则), profitability, lifecycle states, cohort
retention, the prospecting funnel, satisfaction gaps, warning signals and a
simple customer lifetime value (客户生命周期价值). No plotting here.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

FUNNEL_STAGES = ("lead_date", "qualified", "visited", "proposal")


# --- value -------------------------------------------------------------------
def customer_revenue(shipments: pd.DataFrame) -> pd.Series:
    """Revenue per customer (yuan), largest first."""
    return shipments.groupby("customer_id")["price"].sum().sort_values(ascending=False)


def profitability(shipments: pd.DataFrame, retention_actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Revenue, cost to serve (shipments plus retention spending) and profit per customer."""
    money = shipments.groupby("customer_id").agg(parcels=("price", "size"), revenue=("price", "sum"), cost=("cost", "sum"))
    if retention_actions is not None and len(retention_actions):
        extra = retention_actions.groupby("customer_id")["cost"].sum()
        money["cost"] = money["cost"] + extra.reindex(money.index).fillna(0.0)
    money["profit"] = money["revenue"] - money["cost"]
    return money


def top_share(values, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of items (the 80/20 rule, 二八法则)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if len(v) == 0 or v.sum() == 0:
        return math.nan
    k = max(1, int(math.ceil(share * len(v))))
    return float(v[:k].sum() / v.sum())


def abc_tiers(revenue: pd.Series, a: float = 0.8, b: float = 0.95) -> pd.Series:
    """ABC tiers: A brings the first ``a`` of revenue, B up to ``b``, C the rest."""
    r = revenue.sort_values(ascending=False)
    before = (r.cumsum() - r) / r.sum()  # share earned by customers ranked above
    tier = np.where(before < a, "A", np.where(before < b, "B", "C"))
    return pd.Series(pd.Categorical(tier, categories=["A", "B", "C"]), index=r.index, name="tier")


# --- RFM ---------------------------------------------------------------------
RFM_SEGMENTS_ZH = {
    "champions": "重要价值客户", "loyal": "重要保持客户", "big_spenders": "重要发展客户",
    "at_risk": "重要挽留客户", "new": "新客户", "hibernating": "沉睡客户", "others": "一般客户",
}


def _score(values: pd.Series, bins: int, ascending: bool) -> pd.Series:
    ranks = values.rank(method="first", ascending=ascending)
    return pd.qcut(ranks, min(bins, len(values)), labels=False).astype(int) + 1 if len(values) else ranks


def rfm(shipments: pd.DataFrame, as_of=None, bins: int = 5) -> pd.DataFrame:
    """Recency (days since last parcel), Frequency (shipping days), Monetary (revenue), scored 1–bins (best = bins)."""
    if len(shipments) == 0:
        return pd.DataFrame(columns=["recency", "frequency", "monetary", "R", "F", "M", "rfm", "segment"])
    as_of = pd.Timestamp(as_of) if as_of is not None else shipments["created"].max().normalize() + pd.Timedelta(days=1)
    s = shipments[shipments["created"] < as_of]
    t = s.groupby("customer_id").agg(last=("created", "max"), monetary=("price", "sum"))
    t["frequency"] = s.assign(day=s["created"].dt.normalize()).groupby("customer_id")["day"].nunique()
    t["recency"] = (as_of - t["last"]).dt.days
    t["R"] = _score(-t["recency"], bins, ascending=True)
    t["F"] = _score(t["frequency"], bins, ascending=True)
    t["M"] = _score(t["monetary"], bins, ascending=True)
    t["rfm"] = t["R"].astype(str) + t["F"].astype(str) + t["M"].astype(str)
    t["segment"] = rfm_segment(t["R"], t["F"], t["M"], bins)
    return t[["recency", "frequency", "monetary", "R", "F", "M", "rfm", "segment"]]


def rfm_segment(r, f, m, bins: int = 5) -> pd.Series:
    """Name RFM cells: high = above the middle score."""
    mid = (bins + 1) / 2
    hi_r, hi_f, hi_m = np.asarray(r) > mid, np.asarray(f) > mid, np.asarray(m) > mid
    seg = np.select(
        [hi_r & hi_f & hi_m, hi_r & hi_f, hi_r & hi_m, ~hi_r & (hi_f | hi_m), hi_r, ~hi_r],
        ["champions", "loyal", "big_spenders", "at_risk", "new", "hibernating"], "others")
    return pd.Series(seg, index=getattr(r, "index", None))


# --- lifecycle and churn -------------------------------------------------------
def lifecycle_states(shipments, customers, as_of, dormant_days: int = 60, new_days: int = 30) -> pd.Series:
    """New / active / dormant / churned (新用户/活跃用户/沉睡用户/流失用户) for customers ours by ``as_of``."""
    as_of = pd.Timestamp(as_of)
    c = customers[customers["joined"].notna() & (customers["joined"] <= as_of)].set_index("customer_id")
    last = shipments[shipments["created"] <= as_of].groupby("customer_id")["created"].max().reindex(c.index)
    state = np.select(
        [c["churn_date"].notna() & (c["churn_date"] <= as_of),
         (as_of - c["joined"]).dt.days <= new_days,
         last.isna() | ((as_of - last).dt.days > dormant_days)],
        ["churned", "new", "dormant"], "active")
    return pd.Series(pd.Categorical(state, categories=["new", "active", "dormant", "churned"]), index=c.index, name="state")


def churn_rate(customers, start, end, by: str | None = None):
    """Share of customers ours at ``start`` who churned in [start, end)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    base = customers[(customers["joined"] <= start) & ~(customers["churn_date"] < start)]
    churned = base["churn_date"].notna() & (base["churn_date"] < end)
    if by is None:
        return float(churned.mean()) if len(base) else math.nan
    return churned.groupby(base[by], observed=True).mean()


def cohort_retention(customers, freq: str = "M", periods: int = 12) -> pd.DataFrame:
    """Share of each join cohort still ours k periods after joining (rows cohort, columns k)."""
    c = customers[customers["joined"].notna()]
    cohort = c["joined"].dt.to_period(freq)
    rows = {}
    for name, group in c.groupby(cohort):
        starts = name.to_timestamp()
        row = {}
        for k in range(periods):
            edge = (name + k + 1).to_timestamp()
            row[k] = float((group["churn_date"].isna() | (group["churn_date"] >= edge)).mean()) if edge > starts else np.nan
        rows[str(name)] = row
    return pd.DataFrame(rows).T


def warning_signals(shipments, complaints, customers, as_of, window_weeks: int = 8,
                    volume_drop: float = 0.7, complaint_limit: int = 2) -> pd.DataFrame:
    """Per active customer: recent vs earlier weekly volume, recent complaints, and an at-risk flag."""
    as_of = pd.Timestamp(as_of)
    window = pd.Timedelta(weeks=window_weeks)
    active = customers[customers["joined"].notna() & ~(customers["churn_date"] <= as_of)]["customer_id"]
    s = shipments[(shipments["created"] < as_of) & shipments["customer_id"].isin(active)]
    recent = s["created"] >= as_of - window
    first = s.groupby("customer_id")["created"].min()
    weeks_before = ((as_of - window - first).dt.days / 7).clip(lower=1)
    table = pd.DataFrame({
        "recent_weekly": recent.groupby(s["customer_id"]).sum() / window_weeks,
        "earlier_weekly": (~recent).groupby(s["customer_id"]).sum() / weeks_before,
    })
    table["volume_ratio"] = table["recent_weekly"] / table["earlier_weekly"].replace(0, np.nan)
    k = complaints[(complaints["opened"] < as_of) & (complaints["opened"] >= as_of - window)]
    table["recent_complaints"] = k.groupby("customer_id").size().reindex(table.index).fillna(0).astype(int)
    table["at_risk"] = (table["volume_ratio"] < volume_drop) | (table["recent_complaints"] >= complaint_limit)
    return table


# --- development and promotion ------------------------------------------------
def funnel(sales: pd.DataFrame, by: str | None = "method") -> pd.DataFrame:
    """Leads reaching each stage and the conversion from lead to won (客户开发漏斗)."""
    def count(group):
        row = {stage: int(group[stage].notna().sum()) for stage in FUNNEL_STAGES}
        row["won"] = int((group["result"] == "won").sum())
        row["cost"] = float(group["cost"].sum())
        return pd.Series(row)
    if by is None:
        table = count(sales).to_frame().T
    else:
        table = pd.DataFrame({k: count(g) for k, g in sales.groupby(by, observed=True)}).T
    table = table.rename(columns={"lead_date": "leads"})
    table["conversion"] = table["won"] / table["leads"].replace(0, np.nan)
    table["cost_per_won"] = table["cost"] / table["won"].replace(0, np.nan)
    return table


def cost_per_won(sales: pd.DataFrame) -> float:
    won = int((sales["result"] == "won").sum())
    return float(sales["cost"].sum() / won) if won else math.nan


def acceptance_rate(pitches: pd.DataFrame, by: str | list | None = None):
    """Share of value-added service pitches accepted (业务推介成功率)."""
    if by is None:
        return float(pitches["accepted"].mean()) if len(pitches) else math.nan
    return pitches.groupby(by, observed=True)["accepted"].mean()


# --- satisfaction, experiments, CLV -------------------------------------------
def satisfaction_gap(surveys: pd.DataFrame, by: str = "dimension") -> pd.DataFrame:
    """Mean expectation, perception and their gap (perception − expectation), plus the response rate."""
    answered = surveys["perception"].notna()
    g = surveys.groupby(by, observed=True)
    table = pd.DataFrame({
        "expectation": g["expectation"].mean(),
        "perception": g["perception"].mean(),
        "response_rate": answered.groupby(surveys[by], observed=True).mean(),
    })
    table["gap"] = table["perception"] - table["expectation"]
    return table


def treatment_effect(customers: pd.DataFrame, outcome: str = "churned", treatment_col: str = "treatment") -> dict:
    """Difference treated − control in a yes/no outcome, with a normal-approximation 95% CI."""
    c = customers[customers[treatment_col].isin(["treated", "control"])]
    y = c["churn_date"].notna() if outcome == "churned" else c[outcome].astype(float)
    rates = {arm: y[c[treatment_col] == arm] for arm in ("treated", "control")}
    p1, p0 = rates["treated"].mean(), rates["control"].mean()
    n1, n0 = len(rates["treated"]), len(rates["control"])
    if n1 == 0 or n0 == 0:
        return {"treated": p1, "control": p0, "effect": math.nan, "se": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n_treated": n1, "n_control": n0}
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    effect = p1 - p0
    return {"treated": p1, "control": p0, "effect": effect, "se": se,
            "ci_low": effect - 1.96 * se, "ci_high": effect + 1.96 * se, "n_treated": n1, "n_control": n0}


def shipping_regularity(shipments: pd.DataFrame, min_days: int = 4) -> pd.Series:
    """Coefficient of variation of gaps between a customer's shipping days (low = regular)."""
    days = shipments[["customer_id"]].assign(day=shipments["created"].dt.normalize()).drop_duplicates()
    days = days.sort_values(["customer_id", "day"])
    gaps = days.groupby("customer_id")["day"].diff().dt.days.dropna()
    g = gaps.groupby(days.loc[gaps.index, "customer_id"])
    stats = g.agg(["mean", "std", "count"])
    stats = stats[stats["count"] >= min_days - 1]
    return (stats["std"] / stats["mean"]).rename("gap_cv")


def clv(yearly_profit: pd.Series, retention: float | pd.Series, years: int = 3, discount_rate: float = 0.1) -> pd.Series:
    """Simple lifetime value: yearly profit × Σ_{t<years} retention^t / (1+d)^t."""
    factor = sum((retention ** t) / (1 + discount_rate) ** t for t in range(years))
    return (yearly_profit * factor).rename("clv")
