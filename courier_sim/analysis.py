"""What learners compute: small pandas functions shared by lessons, exercises and checks.

Each takes tables shaped like ``records`` and returns a DataFrame, Series or
number, like the formulas on a branch manager's spreadsheet: profitability and
Pareto tiers (二八法则), RFM analysis (RFM分析), lifecycle states (行为分层),
churn (客户流失) and cohort retention, the prospecting funnel (客户开发漏斗),
satisfaction gaps (满意度差距), warning signals (流失预警), randomised
experiments and a simple customer lifetime value (客户生命周期价值).

Conventions, so that a lesson, an exercise check and a calibration figure
computed from the same table agree:

- a customer is *ours* from ``joined`` and stops being ours on ``churn_date``;
- time windows are half-open, ``[start, end)``; ``as_of`` is an instant, and
  "before ``as_of``" means strictly before it;
- every function accepts an empty table and returns an empty (or NaN) answer;
- nothing here plots, draws widgets or runs the simulator.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import records

FUNNEL_STAGES = ("lead_date", "qualified", "visited", "proposal")
LIFECYCLE_STATES = ("new", "active", "dormant", "churned")
LIFECYCLE_ZH = {"new": "新用户", "active": "活跃用户", "dormant": "沉睡用户", "churned": "流失用户"}
TIERS = ("A", "B", "C")
RELATIONSHIPS = ("secure", "developing", "good", "just contacted", "limited", "leaving")
RELATIONSHIPS_ZH = {
    "secure": "稳固", "developing": "发展中", "good": "良好",
    "just contacted": "初步接触", "limited": "有限", "leaving": "即将流失",
}
POTENTIALS = ("high", "medium", "low")


def _times(series: pd.Series) -> pd.Series:
    """The column as datetimes (an empty table may carry them as plain objects)."""
    return series if pd.api.types.is_datetime64_any_dtype(series) else pd.to_datetime(series)


def _ours_at(customers: pd.DataFrame, when) -> pd.Series:
    """Mask of customers who had joined by ``when`` and had not churned by then."""
    joined, churn = _times(customers["joined"]), _times(customers["churn_date"])
    return joined.notna() & (joined <= when) & ~(churn <= when)


# --- value: revenue, profit, Pareto ---------------------------------------------
def customer_revenue(shipments: pd.DataFrame) -> pd.Series:
    """Revenue per customer (yuan), largest first: the starting point of every value ranking."""
    revenue = shipments.groupby("customer_id")["price"].sum().astype(float)
    return revenue.sort_values(ascending=False, kind="mergesort").rename("revenue")


def profitability(shipments: pd.DataFrame, retention_actions: pd.DataFrame | None = None,
                  customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Revenue, cost to serve and profit per customer (客户盈利能力).

    Cost is what the parcels cost us (pickup, handling, line haul, claims) plus
    what we spent keeping the customer (care plan, VIP service, discounts,
    recovery), so profit can be negative: many customers lose money.

    Rows are the customers who shipped. Pass ``customers`` to get one row per
    customer ever ours instead (zeros for those who sent nothing), which also
    keeps customers we spent money on but who never shipped.
    Columns: parcels, revenue, shipping_cost, retention_cost, cost, profit.
    """
    money = shipments.groupby("customer_id").agg(
        parcels=("price", "size"), revenue=("price", "sum"), shipping_cost=("cost", "sum"))
    money = money.astype({"parcels": int, "revenue": float, "shipping_cost": float})
    if retention_actions is not None and len(retention_actions):
        extra = retention_actions.groupby("customer_id")["cost"].sum().astype(float)
    else:
        extra = pd.Series(dtype=float)
    if customers is not None:
        ever = customers.loc[_times(customers["joined"]).notna(), "customer_id"]
        index = pd.Index(ever).union(money.index).union(extra.index)
        money = money.reindex(index, fill_value=0)
        money = money.astype({"parcels": int, "revenue": float, "shipping_cost": float})
    money["retention_cost"] = extra.reindex(money.index).fillna(0.0).to_numpy(dtype=float)
    money["cost"] = money["shipping_cost"] + money["retention_cost"]
    money["profit"] = money["revenue"] - money["cost"]
    money.index.name = "customer_id"
    return money


def top_share(values, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of items (the 80/20 rule, 二八法则).

    The top group is ``ceil(share × n)`` items (at least one). With profit, the
    answer can exceed 1: the best customers earn more than the branch does,
    because the rest lose money. NaN for no items or a zero total.
    """
    v = np.asarray(values, dtype=float)
    v = np.sort(v[~np.isnan(v)])[::-1]
    total = v.sum()
    if len(v) == 0 or total == 0:
        return math.nan
    k = max(1, int(math.ceil(share * len(v) - 1e-9)))  # 0.2 × 15 is 3.0000000000000004 in floats
    return float(v[:k].sum() / total)


def abc_tiers(revenue: pd.Series, a: float = 0.8, b: float = 0.95) -> pd.Series:
    """ABC value tiers (客户价值分层) by cumulative share of revenue.

    Rank customers by revenue; a customer is A while the customers ranked
    above it hold less than ``a`` of the total, B while they hold less than
    ``b``, C after that. So the customer who crosses 80 % is still A.
    Returned largest first, as a categorical A/B/C.
    """
    r = pd.Series(revenue, dtype=float).dropna().sort_values(ascending=False, kind="mergesort")
    total = r.sum()
    before = r.cumsum().shift(fill_value=0.0) / total if total > 0 else pd.Series(1.0, index=r.index)
    tier = np.where(before < a, "A", np.where(before < b, "B", "C"))
    return pd.Series(pd.Categorical(tier, categories=list(TIERS)), index=r.index, name="tier")


def profit_potential(values: pd.Series, labels=("low", "medium", "high")) -> pd.Series:
    """Profit potential (利润潜力) in three equal-size groups by rank: low / medium / high."""
    v = pd.Series(values, dtype=float).dropna()
    if len(v) == 0:
        return pd.Series(pd.Categorical([], categories=list(labels)), index=v.index, name="potential")
    groups = _score(v, len(labels)) - 1
    return pd.Series(pd.Categorical.from_codes(groups.to_numpy(), categories=list(labels)),
                     index=v.index, name="potential")


# --- RFM --------------------------------------------------------------------------
# The eight cells of the RFM model (high = score above the middle), with the names
# Chinese courseware uses (重要/一般 = high/low Monetary; 价值/发展/保持/挽留 = R and F).
RFM_SEGMENTS = {  # (R high, F high, M high) -> name
    (True, True, True): "champions",          # recent, frequent, big: keep them delighted
    (True, False, True): "promising",         # recent and big but seldom: develop
    (False, True, True): "at_risk",           # used to ship often and much, not lately: call first
    (False, False, True): "win_back",         # big but seldom and not lately: try to win back
    (True, True, False): "loyal",             # recent and frequent, small parcels
    (True, False, False): "new",              # recent, seldom, small: newcomers
    (False, True, False): "need_attention",   # frequent once, small, slipping
    (False, False, False): "hibernating",     # low on everything
}
RFM_SEGMENTS_ZH = {
    "champions": "重要价值客户", "promising": "重要发展客户", "at_risk": "重要保持客户",
    "win_back": "重要挽留客户", "loyal": "一般价值客户", "new": "一般发展客户",
    "need_attention": "一般保持客户", "hibernating": "一般挽留客户",
}
RFM_COLUMNS = ["recency", "frequency", "monetary", "R", "F", "M", "rfm", "segment", "segment_zh"]


def _score(values: pd.Series, bins: int) -> pd.Series:
    """Rank-based quantile score 1..bins, larger value = larger score.

    Ties are split by table order (``rank(method="first")``) so every score
    holds the same number of customers even when many share a value; with
    fewer customers than bins the scores still spread over 1..bins.
    """
    n = len(values)
    if n == 0:
        return pd.Series(dtype=int, index=values.index)
    ranks = values.rank(method="first").astype(int)
    return ((ranks * bins + n - 1) // n).astype(int)  # ceil(rank × bins / n), in integers


def rfm(shipments: pd.DataFrame, as_of=None, bins: int = 5) -> pd.DataFrame:
    """RFM analysis (RFM分析): who ships recently, often and for much money.

    - recency: whole days from the customer's last shipping day to ``as_of``
      (default: the day after the last parcel in the table);
    - frequency: number of distinct *shipping days* (not parcels, so a
      100-parcel pickup counts once, like a visit to a shop);
    - monetary: revenue in yuan.
    Only parcels created before ``as_of`` count. R, F, M are quantile scores
    1..``bins`` (``bins`` is best: most recent, most frequent, most revenue);
    ``rfm`` is the code such as "545"; ``segment`` names the cell (see
    ``RFM_SEGMENTS``) and ``segment_zh`` gives its Chinese name.
    """
    created = _times(shipments["created"])
    if as_of is None:
        if len(shipments) == 0:
            return _empty_rfm()
        as_of = created.max().normalize() + pd.Timedelta(days=1)
    as_of = pd.Timestamp(as_of)
    keep = created < as_of
    s = pd.DataFrame({"customer_id": shipments["customer_id"][keep], "day": created[keep].dt.normalize(),
                      "price": shipments["price"][keep]})
    if len(s) == 0:
        return _empty_rfm()
    t = s.groupby("customer_id").agg(last=("day", "max"), frequency=("day", "nunique"), monetary=("price", "sum"))
    t["recency"] = (as_of - t["last"]).dt.days.astype(int)
    t["monetary"] = t["monetary"].astype(float)
    t["R"] = _score(-t["recency"], bins)
    t["F"] = _score(t["frequency"], bins)
    t["M"] = _score(t["monetary"], bins)
    t["rfm"] = t["R"].astype(str) + t["F"].astype(str) + t["M"].astype(str)
    t["segment"] = rfm_segment(t["R"], t["F"], t["M"], bins)
    t["segment_zh"] = t["segment"].map(RFM_SEGMENTS_ZH)
    return t[RFM_COLUMNS]


def _empty_rfm() -> pd.DataFrame:
    return pd.DataFrame(columns=RFM_COLUMNS, index=pd.Index([], name="customer_id"))


def rfm_segment(r, f, m, bins: int = 5) -> pd.Series:
    """Name each RFM cell; a score is high when above the middle (4–5 of 5, 3 of 3)."""
    mid = (bins + 1) / 2
    hi = [np.asarray(x) > mid for x in (r, f, m)]
    names = [RFM_SEGMENTS[(bool(a), bool(b), bool(c))] for a, b, c in zip(*hi)]
    return pd.Series(names, index=r.index if isinstance(r, pd.Series) else None, dtype=object, name="segment")


# --- lifecycle, churn, cohorts ---------------------------------------------------
def lifecycle_states(shipments: pd.DataFrame, customers: pd.DataFrame, as_of,
                     dormant_days: int = 60, new_days: int = 30) -> pd.Series:
    """Behaviour tiers (行为分层) on ``as_of``: new / active / dormant / churned.

    For every customer who had joined by ``as_of``, the first rule that holds:
    churned (流失用户) if it left on or before ``as_of``; new (新用户) if it
    joined at most ``new_days`` days before; dormant (沉睡用户) if it sent
    nothing in the last ``dormant_days`` days; otherwise active (活跃用户).
    """
    as_of = pd.Timestamp(as_of)
    joined, churn = _times(customers["joined"]), _times(customers["churn_date"])
    keep = joined.notna() & (joined <= as_of)
    ids = customers.loc[keep, "customer_id"]
    created = _times(shipments["created"])
    last = created[created <= as_of].groupby(shipments["customer_id"][created <= as_of]).max()
    last = pd.Series(last.reindex(ids).to_numpy(dtype="datetime64[ns]"))
    churned = (churn[keep] <= as_of).to_numpy()
    new = ((as_of - joined[keep]).dt.days <= new_days).to_numpy()
    quiet = (last.isna() | ((as_of - last).dt.days > dormant_days)).to_numpy()
    state = np.select([churned, new, quiet], ["churned", "new", "dormant"], "active")
    return pd.Series(pd.Categorical(state, categories=list(LIFECYCLE_STATES)),
                     index=pd.Index(ids.to_numpy(), name="customer_id"), name="state")


def churn_rate(customers: pd.DataFrame, start, end, by: str | list | None = None):
    """Churn rate (客户流失率): share of the customers ours at ``start`` who left in [start, end).

    The base is every customer who had joined by ``start`` and had not left
    before it; customers won during the period are not in the base. With
    ``by`` (a column such as value_level), one rate per group.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    joined, churn = _times(customers["joined"]), _times(customers["churn_date"])
    in_base = joined.notna() & (joined <= start) & ~(churn < start)
    left = (churn[in_base] < end).rename("churn_rate")
    if by is None:
        return float(left.mean()) if len(left) else math.nan
    keys = [customers.loc[in_base, b] for b in ([by] if isinstance(by, str) else by)]
    return left.groupby(keys, observed=True).mean()


def cohort_retention(customers: pd.DataFrame, shipments: pd.DataFrame | None = None, freq: str = "M",
                     periods: int = 12, start=None, end=None) -> pd.DataFrame:
    """Cohort retention (同期群留存): share of each join cohort still ours k periods on.

    Rows are cohorts by join period (month by default), columns k = 0, 1, ...:
    the share of the cohort that had not churned when period ``cohort + k``
    ended (k = 0 is the end of the join period itself).

    The observation window is [start, end). With ``shipments`` it defaults to
    the data's span: customers who joined before the records begin are left
    out (they are survivors by construction, so they would look perfectly
    loyal), and periods ending after the data ends are NaN (not yet seen).
    """
    created = _times(shipments["created"]) if shipments is not None else pd.Series(dtype="datetime64[ns]")
    joined, churn = _times(customers["joined"]), _times(customers["churn_date"])
    if start is None and len(created):
        start = created.min().normalize()
    if end is None:
        if len(created):
            end = created.max().normalize() + pd.Timedelta(days=1)
        else:
            end = pd.concat([joined, churn]).max()
    keep = joined.notna()
    if start is not None:
        keep &= joined >= pd.Timestamp(start)
    columns = pd.RangeIndex(periods, name="k")
    if not keep.any():
        return pd.DataFrame(index=pd.Index([], name="cohort", dtype=object), columns=columns, dtype=float)
    end = pd.Timestamp(end)
    cohort = joined[keep].dt.to_period(freq)
    rows = {}
    for name, left in churn[keep].groupby(cohort):
        row = []
        for k in range(periods):
            edge = (name + k + 1).to_timestamp()
            row.append(float((left.isna() | (left >= edge)).mean()) if edge <= end else np.nan)
        rows[str(name)] = row
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = "cohort"
    return table


def treatment_effect(customers: pd.DataFrame, outcome: str = "churned", treatment_col: str = "treatment",
                     arms: tuple[str, str] = ("treated", "control")) -> dict:
    """Effect of a randomised lever (随机对照实验): treated mean − control mean, with a 95 % CI.

    ``outcome`` is a column of ``customers`` (yes/no or a number), or
    "churned" for "has a churn date". Because customers were assigned to the
    arms at random, the difference estimates the lever's effect, not a mere
    correlation. Standard error: √(p(1−p)/n) per arm for a yes/no outcome,
    √(s²/n) otherwise; the interval is effect ± 1.96 SE (normal approximation).
    """
    treated_name, control_name = arms
    c = customers[customers[treatment_col].isin(list(arms))]
    if outcome == "churned" and outcome not in c.columns:
        y = _times(c["churn_date"]).notna().astype(float)
    else:
        y = c[outcome].astype(float)
    y1 = y[(c[treatment_col] == treated_name).to_numpy()].dropna()
    y0 = y[(c[treatment_col] == control_name).to_numpy()].dropna()
    n1, n0 = len(y1), len(y0)
    p1 = float(y1.mean()) if n1 else math.nan
    p0 = float(y0.mean()) if n0 else math.nan
    binary = bool(y.dropna().isin([0.0, 1.0]).all())

    def variance(v, mean):  # a single numeric answer has no sample variance: NaN
        return mean * (1 - mean) if binary else float(v.var(ddof=1))

    if n1 and n0:
        effect = p1 - p0
        se = math.sqrt(variance(y1, p1) / n1 + variance(y0, p0) / n0)
    else:
        effect = se = math.nan
    return {"treated": p1, "control": p0, "effect": effect, "se": se,
            "ci_low": effect - 1.96 * se, "ci_high": effect + 1.96 * se, "n_treated": n1, "n_control": n0}


# --- warning signals ---------------------------------------------------------------
def warning_signals(shipments: pd.DataFrame, complaints: pd.DataFrame, customers: pd.DataFrame, as_of,
                    contacts: pd.DataFrame | None = None, window_weeks: int = 8, volume_drop: float = 0.7,
                    min_weekly: float = 1.0, complaint_limit: int = 2, mention_limit: int = 1) -> pd.DataFrame:
    """Early warning list (流失预警名单): the four signals the data holds, for every active customer.

    For every customer ours on ``as_of`` that has shipped before it:
    ``recent_weekly`` = parcels per week in the last ``window_weeks`` weeks;
    ``earlier_weekly`` = parcels per week before that, counted from when we
    can see the customer (the later of its join date and the first parcel in
    the table), over at least one week; ``volume_ratio`` = recent ÷ earlier
    (NaN with no earlier parcels); ``recent_complaints`` = complaints opened
    in the window; ``recent_mentions`` = contact notes in the window where
    the customer praised a competitor, and ``recent_business_news`` = notes
    on a new owner or a new course (topic ``business_change``); both are 0
    for all when ``contacts`` is not given. ``at_risk`` is True on any of
    the four signals:

    - falling volume: volume_ratio < ``volume_drop`` (0.7: down by more than
      30 %) for a customer that shipped at least ``min_weekly`` parcels a week
      before. Below that a quiet month is chance, not a signal: one parcel a
      fortnight can halve by luck alone;
    - more complaints: recent_complaints ≥ ``complaint_limit`` (2);
    - citing a competitor: recent_mentions ≥ ``mention_limit`` (1);
    - a new owner or a new strategy: recent_business_news ≥ 1.
    """
    as_of = pd.Timestamp(as_of)
    window_start = as_of - pd.Timedelta(weeks=window_weeks)
    ours = customers.loc[_ours_at(customers, as_of), ["customer_id", "joined"]]
    created = _times(shipments["created"])
    data_start = created.min()
    keep = (created < as_of) & shipments["customer_id"].isin(ours["customer_id"])
    ids, when = shipments["customer_id"][keep], created[keep]
    recent = (when >= window_start).groupby(ids).sum()
    earlier = (when < window_start).groupby(ids).sum()
    seen_from = _times(ours.set_index("customer_id")["joined"]).reindex(recent.index).clip(lower=data_start)
    weeks_before = ((window_start - seen_from).dt.days / 7).clip(lower=1.0)
    table = pd.DataFrame({
        "recent_weekly": recent.astype(float) / window_weeks,
        "earlier_weekly": earlier.astype(float) / weeks_before,
    })
    table.index.name = "customer_id"
    table["volume_ratio"] = table["recent_weekly"] / table["earlier_weekly"].where(table["earlier_weekly"] > 0)
    table["recent_complaints"] = _count_in_window(complaints, "opened", window_start, as_of, table.index)
    if contacts is None:
        contacts = records.empty("contacts")
    praised = contacts[contacts["mentions_competitor"].astype(bool)]
    table["recent_mentions"] = _count_in_window(praised, "date", window_start, as_of, table.index)
    news = contacts[contacts["topic"] == "business_change"]
    table["recent_business_news"] = _count_in_window(news, "date", window_start, as_of, table.index)
    falling = (table["volume_ratio"] < volume_drop) & (table["earlier_weekly"] >= min_weekly)
    table["at_risk"] = (falling | (table["recent_complaints"] >= complaint_limit)
                        | (table["recent_mentions"] >= mention_limit) | (table["recent_business_news"] >= 1))
    return table


def _count_in_window(rows: pd.DataFrame, column: str, start, end, index: pd.Index) -> pd.Series:
    """Rows per customer whose ``column`` falls in [start, end), for the customers of ``index``."""
    when = _times(rows[column])
    counts = rows["customer_id"][(when >= start) & (when < end)].value_counts()
    return counts.reindex(index).fillna(0).astype(int)


def churners_volume_ratio(shipments: pd.DataFrame, customers: pd.DataFrame, weeks: int = 8,
                          min_history_weeks: float | None = None) -> pd.Series:
    """For customers who churned: weekly volume in their last ``weeks`` weeks ÷ their earlier weekly mean.

    The warning sign that volume falls before a customer leaves (calibration
    R14 expects the median ≤ 0.7). "Earlier" runs from when we can see the
    customer (later of join date and first parcel in the table) to ``weeks``
    weeks before the churn date; customers with less than
    ``min_history_weeks`` (default ``weeks``) of earlier history, or no
    earlier parcels, are left out.
    """
    min_history_weeks = weeks if min_history_weeks is None else min_history_weeks
    created = _times(shipments["created"])
    churn = _times(customers["churn_date"])
    gone = customers.loc[churn.notna(), ["customer_id"]].assign(
        churn=churn[churn.notna()], joined=_times(customers["joined"])[churn.notna()])
    if len(created) == 0 or len(gone) == 0:
        return pd.Series(dtype=float, name="volume_ratio", index=pd.Index([], name="customer_id"))
    gone = gone.set_index("customer_id")
    seen_from = gone["joined"].clip(lower=created.min()).fillna(created.min())
    window_start = gone["churn"] - pd.Timedelta(weeks=weeks)
    history = (window_start - seen_from).dt.days / 7
    gone = gone[history >= min_history_weeks]
    s = pd.DataFrame({"customer_id": shipments["customer_id"], "created": created})
    s = s[s["customer_id"].isin(gone.index)]
    start = window_start.reindex(s["customer_id"]).to_numpy()
    end = gone["churn"].reindex(s["customer_id"]).to_numpy()
    when = s["created"].to_numpy()
    recent = pd.Series((when >= start) & (when < end)).groupby(s["customer_id"].to_numpy()).sum()
    earlier = pd.Series(when < start).groupby(s["customer_id"].to_numpy()).sum()
    recent, earlier = recent.reindex(gone.index, fill_value=0), earlier.reindex(gone.index, fill_value=0)
    earlier_weekly = earlier / history.reindex(gone.index)
    ratio = (recent / weeks) / earlier_weekly.where(earlier_weekly > 0)
    return ratio.dropna().astype(float).rename("volume_ratio")


def complaint_rate(shipments: pd.DataFrame, complaints: pd.DataFrame, groups: pd.Series | None = None):
    """Complaints per parcel (投诉率), pooled: total complaints ÷ total parcels.

    Pooling lets a key account with many parcels weigh more than a one-parcel
    sender. ``groups`` maps customer_id to a group (e.g. churned or not) for
    one rate per group. Multiply by 1,000 for "per thousand parcels".
    """
    if groups is None:
        return float(len(complaints) / len(shipments)) if len(shipments) else math.nan
    parcels = shipments["customer_id"].map(groups).value_counts()
    raised = complaints["customer_id"].map(groups).value_counts().reindex(parcels.index, fill_value=0)
    return (raised / parcels).astype(float).rename("complaint_rate")


def shipping_regularity(shipments: pd.DataFrame, min_days: int = 4) -> pd.Series:
    """Coefficient of variation (变异系数) of the gaps between a customer's distinct shipping days.

    CV = standard deviation (sample, ddof=1) ÷ mean of the gaps in days: 0 for
    a customer shipping like clockwork (every Monday), about 1 for random
    arrivals, above 1 for bursts. Only customers with at least ``min_days``
    shipping days (calibration R3 uses 4).
    """
    days = pd.DataFrame({"customer_id": shipments["customer_id"],
                         "day": _times(shipments["created"]).dt.normalize()}).drop_duplicates()
    days = days.sort_values(["customer_id", "day"])
    days["gap"] = days.groupby("customer_id")["day"].diff().dt.days
    stats = days.dropna(subset=["gap"]).groupby("customer_id")["gap"].agg(["mean", "std", "count"])
    stats = stats[stats["count"] >= min_days - 1]
    return (stats["std"] / stats["mean"]).astype(float).rename("gap_cv")


# --- development and promotion ------------------------------------------------------
def funnel(sales: pd.DataFrame, by: str | list | None = "method") -> pd.DataFrame:
    """The prospecting funnel (客户开发漏斗): leads reaching each stage, and what a customer costs.

    Counts: leads, qualified, visited, proposal (a stage is reached when its
    timestamp is set), won, lost, open, and the total cost. Rates:
    ``conversion`` = won ÷ leads; stage-to-stage rates ``qualified_rate`` =
    qualified ÷ leads, ``visit_rate`` = visited ÷ qualified,
    ``proposal_rate`` = proposal ÷ visited, ``win_rate`` = won ÷ proposal;
    ``cost_per_won`` = cost ÷ won (NaN when nothing was won). One row per
    value of ``by`` (a column such as method or rep), or a single row "all".
    """
    counts = pd.DataFrame({
        "leads": _times(sales["lead_date"]).notna(),
        "qualified": _times(sales["qualified"]).notna(),
        "visited": _times(sales["visited"]).notna(),
        "proposal": _times(sales["proposal"]).notna(),
        "won": (sales["result"] == "won").to_numpy(),
        "lost": (sales["result"] == "lost").to_numpy(),
        "open": (sales["result"] == "open").to_numpy(),
    }, index=sales.index).astype(int)
    counts["cost"] = pd.to_numeric(sales["cost"]).astype(float)
    if by is None:
        table = pd.DataFrame([counts.sum()], index=pd.Index(["all"], name="group"))
    else:
        keys = [sales[b] for b in ([by] if isinstance(by, str) else by)]
        table = counts.groupby(keys, observed=True).sum()
    table = table.astype({c: int for c in ("leads", "qualified", "visited", "proposal", "won", "lost", "open")})

    def ratio(a, b):
        return table[a] / table[b].where(table[b] > 0)

    table["conversion"] = ratio("won", "leads")
    table["qualified_rate"] = ratio("qualified", "leads")
    table["visit_rate"] = ratio("visited", "qualified")
    table["proposal_rate"] = ratio("proposal", "visited")
    table["win_rate"] = ratio("won", "proposal")
    table["cost_per_won"] = ratio("cost", "won")
    return table


def cost_per_won(sales: pd.DataFrame) -> float:
    """Sales cost per customer won (客户开发成本): all lead costs ÷ leads won; NaN if none won."""
    won = int((sales["result"] == "won").sum())
    return float(pd.to_numeric(sales["cost"]).sum() / won) if won else math.nan


def retention_cost_per_kept(retention_actions: pd.DataFrame, customers: pd.DataFrame) -> float:
    """Retention spending per customer kept (客户维护成本): action costs ÷ customers ever ours and not churned.

    Set beside ``cost_per_won`` to test the rule of thumb that winning a
    customer costs about four times keeping one (开发成本 ≈ 4 × 维护成本).
    """
    kept = int((_times(customers["joined"]).notna() & _times(customers["churn_date"]).isna()).sum())
    return float(pd.to_numeric(retention_actions["cost"]).sum() / kept) if kept else math.nan


def acceptance_rate(pitches: pd.DataFrame, by: str | list | None = None):
    """Share of value-added service pitches accepted (业务推介成功率), overall or per group."""
    if by is None:
        return float(pitches["accepted"].astype(float).mean()) if len(pitches) else math.nan
    return pitches["accepted"].astype(float).groupby(
        [pitches[b] for b in ([by] if isinstance(by, str) else by)], observed=True).mean().rename("acceptance_rate")


# --- satisfaction -----------------------------------------------------------------------
def satisfaction_gap(surveys: pd.DataFrame, by: str | list = "dimension") -> pd.DataFrame:
    """Satisfaction gap (满意度差距), SERVQUAL style: mean perception − mean expectation.

    Only answers with both items filled count (a NaN is a non-response, not
    a zero), so the gap is the mean of paired differences. Negative gap:
    customers expected more than they got. Columns: expectation, perception,
    gap, responses (usable pairs) and response_rate (pairs ÷ questionnaire rows).
    """
    keys = [surveys[b] for b in ([by] if isinstance(by, str) else by)]
    answered = (surveys["expectation"].notna() & surveys["perception"].notna()).astype(float)
    rate = answered.groupby(keys, observed=True).mean()
    ok = answered.to_numpy() == 1.0
    pairs = surveys.loc[ok, ["expectation", "perception"]].astype(float)
    means = pairs.groupby([k[ok] for k in keys], observed=True).agg(
        expectation=("expectation", "mean"), perception=("perception", "mean"), responses=("perception", "size"))
    table = means.reindex(rate.index)
    table["gap"] = table["perception"] - table["expectation"]
    table["responses"] = table["responses"].fillna(0).astype(int)
    table["response_rate"] = rate
    return table[["expectation", "perception", "gap", "responses", "response_rate"]]


# --- lifetime value --------------------------------------------------------------------
def clv(yearly_profit: pd.Series, retention: float | pd.Series, years: int = 3,
        discount_rate: float = 0.1) -> pd.Series:
    """Simple customer lifetime value (客户生命周期价值).

    CLV = yearly profit × Σ_{t=0}^{years−1} retentionᵗ / (1 + d)ᵗ: this year's
    profit in full, next year's only if the customer stays (probability
    ``retention``) and worth less because it comes later (discount rate d).
    ``retention`` is one number or one per customer.
    """
    factor = sum((retention ** t) / (1 + discount_rate) ** t for t in range(years))
    return (yearly_profit * factor).rename("clv")


def customer_clv(shipments: pd.DataFrame, customers: pd.DataFrame, horizon_years: int = 3,
                 discount_rate: float = 0.1, retention=None, by: str = "value_level",
                 retention_actions: pd.DataFrame | None = None, start=None, end=None) -> pd.DataFrame:
    """CLV for every customer ours at the end of the data, from the tables alone.

    yearly_profit: profit over [start, end) (default: the span of the
    shipments) scaled to 365 days; retention: per group in column ``by``,
    1 − the observed churn rate of the group over the window, scaled to a
    year — or given as one number, or a dict / Series by group. Columns:
    group, yearly_profit, retention, clv.
    """
    created = _times(shipments["created"])
    if start is None:
        start = created.min().normalize() if len(created) else None
    if end is None:
        end = created.max().normalize() + pd.Timedelta(days=1) if len(created) else None
    columns = ["group", "yearly_profit", "retention", "clv"]
    if start is None or end is None:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="customer_id"))
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    years = max((end - start).days, 1) / 365
    window = (created >= start) & (created < end)
    actions = retention_actions
    if actions is not None and len(actions):
        when = _times(actions["date"])
        actions = actions[(when >= start) & (when < end)]
    money = profitability(shipments[window], actions, customers)
    current = customers.loc[_ours_at(customers, end - pd.Timedelta(microseconds=1)), ["customer_id", by]]
    current = current.set_index("customer_id")
    group = current[by]
    if retention is None:
        churn = churn_rate(customers, start, end, by=by)
        retention = (1 - churn) ** (1 / years)
    if isinstance(retention, (dict, pd.Series)):
        r = group.map(pd.Series(retention)).astype(float)
    else:
        r = pd.Series(float(retention), index=group.index)
    yearly = money["profit"].reindex(group.index).fillna(0.0) / years
    table = pd.DataFrame({"group": group, "yearly_profit": yearly, "retention": r})
    table["clv"] = clv(table["yearly_profit"], table["retention"], horizon_years, discount_rate)
    table.index.name = "customer_id"
    return table


# --- segmentation matrix ---------------------------------------------------------------
def stage_on(customers: pd.DataFrame, stage_changes: pd.DataFrame, when) -> pd.Series:
    """Each customer's key-account relationship stage (关系阶段) on ``when``, indexed by customer_id.

    ``when`` is one date, or a Series of dates indexed by customer_id.

    ``relationship_stage`` is the stage at the end of the run: accounts that
    stay get promoted, leavers keep the stage they left in, so grouping churn
    by it flatters the later stages. The stage on a date is the last change
    before it, or else what the first later change moved the account from.
    """
    final = customers.set_index("customer_id")["relationship_stage"].astype(object)
    if len(stage_changes) == 0:
        return final.rename("stage")
    changes = stage_changes.sort_values(["date", "customer_id"], kind="stable")
    if isinstance(when, pd.Series):  # one date per customer (indexed by customer_id)
        when = _times(when).reindex(changes["customer_id"]).to_numpy()
    else:
        when = pd.Timestamp(when)
    earlier = (_times(changes["date"]) < when).to_numpy()
    before = changes[earlier].groupby("customer_id")["to_stage"].last()
    after = changes[~earlier].groupby("customer_id")["from_stage"].first()
    stage = final.copy()
    stage.loc[stage.index.intersection(after.index)] = after.astype(object)
    stage.loc[stage.index.intersection(before.index)] = before.astype(object)
    return stage.rename("stage")


def stage_churn_rates(customers: pd.DataFrame, stage_changes: pd.DataFrame, start, end) -> pd.DataFrame:
    """Churn per account-year in each relationship stage (关系阶段), over ``[start, end)``.

    Counting heads by a stage misleads both ways: the end-of-year stage
    flatters the later stages (accounts that stay get promoted), the day-1
    stage blurs them (an initial account that stays moves on). So each
    key account's time is split into spells, one per stage it was in; a
    churn counts against the stage it left from, and the rate is churns ÷
    the years accounts spent in that stage (like deaths per person-year).
    Columns: churned, account_years, churn_per_year.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    c = customers[customers["relationship_stage"].notna() & customers["joined"].notna()].set_index("customer_id")
    joined, left = _times(c["joined"]), _times(c["churn_date"])
    t0 = joined.where(joined > start, start)
    t1 = left.where(left.notna() & (left < end), end)
    keep = t1 > t0
    c, t0, t1 = c[keep], t0[keep], t1[keep]
    churned = left[keep].notna() & (left[keep] >= start) & (left[keep] < end)
    first = pd.DataFrame({"customer_id": c.index, "date": t0.to_numpy(),
                          "stage": stage_on(c.reset_index(), stage_changes, t0).reindex(c.index).to_numpy()})
    ch = stage_changes[stage_changes["customer_id"].isin(c.index)]
    ch = ch[(_times(ch["date"]) > t0.reindex(ch["customer_id"]).to_numpy())
            & (_times(ch["date"]) < t1.reindex(ch["customer_id"]).to_numpy())]
    later = pd.DataFrame({"customer_id": ch["customer_id"].to_numpy(), "date": _times(ch["date"]).to_numpy(),
                          "stage": ch["to_stage"].astype(object).to_numpy()})
    spells = pd.concat([first, later], ignore_index=True).sort_values(["customer_id", "date"], kind="stable")
    spells["until"] = spells.groupby("customer_id")["date"].shift(-1)
    last = spells["until"].isna()
    spells.loc[last, "until"] = t1.reindex(spells.loc[last, "customer_id"]).to_numpy()
    spells["years"] = (spells["until"] - spells["date"]).dt.total_seconds() / (365.25 * 86400)
    spells["churned"] = last & churned.reindex(spells["customer_id"]).to_numpy()
    table = spells.groupby("stage").agg(churned=("churned", "sum"), account_years=("years", "sum"))
    table["churn_per_year"] = table["churned"] / table["account_years"]
    order = [s for s in ("incubation", "initial", "stable", "strategic") if s in table.index]
    return table.loc[order + [s for s in table.index if s not in order]]


def relationship_state(shipments: pd.DataFrame, complaints: pd.DataFrame, customers: pd.DataFrame, as_of,
                       contact_days: int = 90, **signal_options) -> pd.Series:
    """Relationship state (客户关系状态) of every customer ours on ``as_of``; the first rule that holds:

    just contacted (初步接触): ours for at most ``contact_days`` days;
    leaving (即将流失): flagged at risk by ``warning_signals`` (``signal_options``,
    e.g. ``contacts=``, go to it), or dormant (沉睡);
    secure (稳固): a key account in the stable or strategic stage;
    developing (发展中): a key account in the initial stage;
    good (良好): active with an RFM frequency score of 3 or more;
    limited (有限): everyone else.
    """
    as_of = pd.Timestamp(as_of)
    ours = customers[_ours_at(customers, as_of)].set_index("customer_id")
    states = lifecycle_states(shipments, customers, as_of).reindex(ours.index).astype(object)
    signals = warning_signals(shipments, complaints, customers, as_of, **signal_options)
    at_risk = signals["at_risk"].reindex(ours.index).fillna(False).astype(bool).to_numpy()
    frequent = (rfm(shipments, as_of=as_of)["F"].reindex(ours.index).fillna(0).astype(int) >= 3).to_numpy()
    days_ours = (as_of - _times(ours["joined"])).dt.days.to_numpy()
    stage = ours["relationship_stage"].astype(object).to_numpy()
    state = np.select(
        [days_ours <= contact_days, at_risk | (states.to_numpy() == "dormant"),
         np.isin(stage, ["stable", "strategic"]), stage == "initial", (states.to_numpy() == "active") & frequent],
        ["just contacted", "leaving", "secure", "developing", "good"], "limited")
    return pd.Series(pd.Categorical(state, categories=list(RELATIONSHIPS)), index=ours.index, name="relationship")


def segment_matrix(potential: pd.Series, relationship: pd.Series) -> pd.DataFrame:
    """Segmentation matrix (客户细分矩阵): customers counted by profit potential × relationship state.

    Both inputs are indexed by customer_id; only customers in both count.
    Rows high → low potential, columns in ``RELATIONSHIPS`` order, so the
    top-left cell (high potential, secure) is where the best people go.
    """
    both = pd.DataFrame({"potential": potential, "relationship": relationship}).dropna()
    table = pd.crosstab(both["potential"].astype(object), both["relationship"].astype(object))
    return table.reindex(index=list(POTENTIALS), columns=list(RELATIONSHIPS), fill_value=0).rename_axis(
        index="potential", columns="relationship")
