"""Realism check: the calibration targets of ``shared/calibration.md``, measured on a run.

Like a fitness check after training: each figure is computed from the result
tables the way the calibration notes say, printed beside its band with a
verdict. Run ``courier-sim validate`` (or ``python -m courier_sim.calibration``).
"""
from __future__ import annotations

from datetime import date
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd


class Target(NamedTuple):
    code: str
    figure: str
    band: str
    measure: Callable  # Result -> (value text, passed)


def _in(x: float, lo: float, hi: float) -> bool:
    return bool(lo <= x <= hi)


def _customer_money(r) -> pd.DataFrame:
    s = r.shipments
    money = s.groupby("customer_id").agg(revenue=("price", "sum"), cost=("cost", "sum"))
    extra = r.retention_actions.groupby("customer_id")["cost"].sum()
    money["cost"] = money["cost"] + extra.reindex(money.index).fillna(0.0)
    return money


def r1_top20(r):
    rev = _customer_money(r)["revenue"].sort_values(ascending=False)
    share = rev.head(int(np.ceil(0.2 * len(rev)))).sum() / rev.sum()
    return f"{share:.2f}", _in(share, 0.65, 0.90)


def r2_negative_profit(r):
    m = _customer_money(r)
    share = float(((m["revenue"] - m["cost"]) < 0).mean())
    return f"{share:.2f}", _in(share, 0.10, 0.40)


def gap_cv(shipments: pd.DataFrame, min_days: int = 4) -> pd.Series:
    """Coefficient of variation of the gaps between a customer's shipping days."""
    days = shipments[["customer_id"]].assign(day=shipments["created"].dt.floor("D")).drop_duplicates()
    days = days.sort_values(["customer_id", "day"])
    days["gap"] = days.groupby("customer_id")["day"].diff().dt.days
    g = days.dropna().groupby("customer_id")["gap"]
    stats = g.agg(["mean", "std", "count"])
    stats = stats[stats["count"] >= min_days - 1]
    return stats["std"] / stats["mean"]


def r3_regularity(r):
    cv = gap_cv(r.shipments)
    types = r.customers.set_index("customer_id")["customer_type"]
    ent = cv[types.reindex(cv.index) == "enterprise"].median()
    ind = cv[types.reindex(cv.index) == "individual"].median()
    return f"enterprise {ent:.2f}, individual {ind:.2f}", bool(ent <= 0.7 and ind >= 0.8 and ind >= 1.5 * ent)


def r4_price(r):
    s = r.shipments
    mean = s["price"].mean()
    by_route = s.groupby("route", observed=True)["price"].mean()
    ratio = by_route["international"] / by_route["same_city"]
    return f"{mean:.1f} yuan; international ÷ same-city {ratio:.1f}", _in(mean, 6, 20) and ratio >= 5


def r5_routes(r):
    mix = r.shipments["route"].value_counts(normalize=True)
    return (f"same-city {mix['same_city']:.1%}, international {mix['international']:.1%}",
            _in(mix["same_city"], 0.05, 0.25) and _in(mix["international"], 0.005, 0.05))


def _company_daily(r) -> pd.Series:
    d = r.daily[r.daily["segment"] == "all"].set_index("date")["parcels"]
    return d


def r6_double11(r):
    d = _company_daily(r)
    peak = [t for t in d.index if t.month == 11 and t.day == 11]
    october = d[d.index.month == 10]
    if not peak or october.empty:
        return "no Double 11 in run", False
    ratio = d[peak[0]] / october.mean()
    return f"{ratio:.2f}", _in(ratio, 1.4, 3.0)


def r7_spring_festival(r):
    from .calendar import SPRING_FESTIVAL
    d = _company_daily(r)
    for year in sorted({t.year for t in d.index}):
        sf = pd.Timestamp(SPRING_FESTIVAL[year])
        window = d[(d.index >= sf - pd.Timedelta(days=14)) & (d.index <= sf + pd.Timedelta(days=21))]
        before = d[(d.index >= sf - pd.Timedelta(days=42)) & (d.index < sf - pd.Timedelta(days=14))]
        if len(window) >= 7 and len(before) >= 21:
            ratio = window.rolling(7).mean().min() / before.mean()
            return f"{ratio:.2f}", _in(ratio, 0.15, 0.5)
    return "no Spring Festival in run", False


def _on_time(s: pd.DataFrame) -> float:
    return float((s["outcome"] == "on_time").mean())


def r8_on_time(r):
    s = r.shipments
    day = s["created"].dt.floor("D")
    peak = (day.dt.month == 11) & (day.dt.day.between(8, 14))
    festival = pd.Series(False, index=s.index)
    from .calendar import SPRING_FESTIVAL
    for year in set(day.dt.year):
        sf = pd.Timestamp(SPRING_FESTIVAL[year])
        festival |= (day >= sf - pd.Timedelta(days=14)) & (day <= sf + pd.Timedelta(days=21))
    season = (day.dt.month == 11) | ((day.dt.month == 10) & (day.dt.day >= 21))
    normal = _on_time(s[~season & ~festival])
    week = _on_time(s[peak]) if peak.any() else float("nan")
    ok = _in(normal, 0.85, 0.97) and (np.isnan(week) or week <= normal - 0.05 or r.scenario.peak_extra_capacity > 0)
    return f"normal days {normal:.1%}; Double 11 week {week:.1%}", ok


def r9_loss_damage(r):
    s = r.shipments
    lost = (s["outcome"] == "lost").mean()
    damaged = (s["outcome"] == "damaged").mean()
    by_goods = s.assign(d=s["outcome"] == "damaged").groupby("goods", observed=True)["d"].mean()
    ratio = by_goods.get("fragile", np.nan) / max(by_goods.get("documents", np.nan), 1e-9)
    ok = _in(lost + damaged, 0.0002, 0.005) and ratio >= 3
    return f"loss {lost:.3%}, damage {damaged:.3%}; fragile ÷ documents damage {ratio:.0f}", ok


def r10_complaints(r):
    c = r.complaints
    per_k = 1000 * len(c) / len(r.shipments)
    mix = c["cause"].value_counts(normalize=True)
    leaders = set(mix.index[:2])
    ok = _in(per_k, 0.3, 5) and leaders <= {"late", "lost", "damaged"} and mix.get("billing", 0) < 0.15
    mix_text = ", ".join(f"{k} {v:.0%}" for k, v in mix.items())
    return f"{per_k:.2f} per 1,000 parcels ({mix_text})", ok


def _day1(r) -> pd.DataFrame:
    c = r.customers
    return c[c["acquisition_channel"] == "existing"]


def r11_churn(r):
    c = _day1(r)
    churned = c["churn_date"].notna()
    by = churned.groupby(c["value_level"], observed=True).mean()
    rate = churned.mean()
    ok = _in(rate, 0.10, 0.30) and by["mass"] >= 1.5 * by["high"]
    return f"{rate:.1%} (high {by['high']:.1%}, mid {by['mid']:.1%}, mass {by['mass']:.1%})", ok


def r12_kinds(r):
    kinds = r.customers["churn_kind"].value_counts(normalize=True)
    ok = all(kinds.get(k, 0) >= 0.02 for k in ("own_reasons", "competitor", "dropped", "value_decline"))
    return ", ".join(f"{k} {v:.0%}" for k, v in kinds.items()), ok


def r13_satisfaction(r):
    """Day-1 customers ranked by their mean survey perception (all waves they answered), in quartiles."""
    sv = r.surveys
    c = _day1(r)
    if len(sv):
        mid = sv.groupby("customer_id")["perception"].mean()
        sat = mid.reindex(c["customer_id"]).to_numpy()
    else:
        return "needs the surveys table", False
    churned = c["churn_date"].notna().to_numpy()
    ok_rows = ~np.isnan(sat)
    q = pd.qcut(pd.Series(sat[ok_rows]).rank(method="first"), 4, labels=False)
    rates = pd.Series(churned[ok_rows]).groupby(q.to_numpy()).mean()
    ratio = rates.iloc[0] / max(rates.iloc[-1], 1e-9)
    return f"lowest ÷ highest quartile churn {ratio:.1f}", ratio >= 2


def r14_warning(r):
    s, c = r.shipments, r.customers
    churned = c[c["churn_date"].notna() & (c["acquisition_channel"] == "existing")]
    start = pd.Timestamp(r.scenario.start)
    s = s.merge(churned[["customer_id", "churn_date"]], on="customer_id")
    s = s[s["churn_date"] - start > pd.Timedelta(weeks=16)]
    last = s["created"] >= s["churn_date"] - pd.Timedelta(weeks=8)
    per = s.assign(last=last).groupby("customer_id").agg(
        recent=("last", "sum"), total=("last", "size"), churn=("churn_date", "first"))
    weeks_before = ((per["churn"] - start).dt.days / 7 - 8).clip(lower=1)
    ratio = ((per["recent"] / 8) / ((per["total"] - per["recent"]) / weeks_before)).replace(np.inf, np.nan)
    vol_ratio = float(ratio.median())
    comp = r.complaints.groupby("customer_id").size()
    parcels = r.shipments.groupby("customer_id").size()
    comp = comp.reindex(parcels.index).fillna(0)
    is_churner = parcels.index.isin(c.loc[c["churn_date"].notna(), "customer_id"])
    pooled = [comp[mask].sum() / max(parcels[mask].sum(), 1) for mask in (is_churner, ~is_churner)]
    comp_ratio = pooled[0] / max(pooled[1], 1e-12)
    ok = vol_ratio <= 0.7 and comp_ratio >= 1.5
    return f"last-8-week volume ratio {vol_ratio:.2f}; complaint rate churners ÷ others {comp_ratio:.1f}", ok


def r15_acquisition_vs_retention(r):
    """Sales cost per won customer ÷ retention spending per kept customer (ever ours, not churned)."""
    sales, actions, c = r.sales, r.retention_actions, r.customers
    won = int((sales["result"] == "won").sum())
    kept = int((c["joined"].notna() & c["churn_date"].isna()).sum())
    if won == 0 or kept == 0 or actions["cost"].sum() == 0:
        return f"won {won}, kept {kept}: cannot compare", False
    per_won = sales["cost"].sum() / won
    per_kept = actions["cost"].sum() / kept
    ratio = per_won / per_kept
    return f"{per_won:,.0f} yuan per won ÷ {per_kept:,.0f} yuan per kept = {ratio:.1f}", _in(ratio, 3, 6)


def individual_weeks(r) -> pd.DataFrame:
    """Week numbers (from the run's start) in which each individual sender shipped with us."""
    c, s = r.customers, r.shipments
    individuals = c.loc[c["customer_type"] == "individual", "customer_id"]
    s = s[s["customer_id"].isin(individuals)]
    week = (s["created"] - pd.Timestamp(r.scenario.start)).dt.days // 7
    return pd.DataFrame({"customer_id": s["customer_id"].to_numpy(), "week": week.to_numpy()})


def r16_bgnbd(r):
    """BG/NBD on individual senders: fit on the first half of the weeks, predict the second half."""
    from . import bgnbd
    half = r.scenario.days // 14  # 26 weeks in a year
    weeks = individual_weeks(r)
    data = bgnbd.summary(weeks[weeks["week"] < 2 * half], calibration_end=half)
    if len(data) < 50:
        return f"only {len(data)} individual senders in the first half", False
    f = bgnbd.fit(data["x"], data["t_x"], data["age"])
    expected = bgnbd.expected_purchases(f.params, half, data["x"], data["t_x"], data["age"])
    corr = float(np.corrcoef(expected, data["holdout"])[0, 1])
    error = float(expected.sum() / max(data["holdout"].sum(), 1) - 1.0)
    p = f.params
    ok = f.converged and corr >= 0.5 and abs(error) <= 0.25
    return (f"r {p.r:.2f}, α {p.alpha:.1f}, a {p.a:.2f}, b {p.b:.1f}{'' if f.converged else ' (not converged)'}; "
            f"holdout correlation {corr:.2f}; aggregate error {error:+.0%}"), ok


def r17_perception(r):
    sv = r.surveys
    if sv["perception"].notna().sum() == 0:
        return "needs the surveys table", False
    mean = sv["perception"].mean()
    by = sv.groupby("dimension", observed=True)["perception"].mean()
    lowest = by.idxmin()
    ok = _in(mean, 4.0, 4.4) and lowest == "after_sales"
    return f"mean perception {mean:.2f}; lowest {lowest} {by.min():.2f}", ok


# R14's complaint rate is pooled (complaints ÷ parcels over the group), so a
# one-parcel sender with one complaint does not outweigh a key account.
TARGETS = (
    Target("R1", "revenue share of the top 20 % of customers", "0.65 – 0.90", r1_top20),
    Target("R2", "share of customers with negative profit", "0.10 – 0.40", r2_negative_profit),
    Target("R3", "median CV of shipping-day gaps", "enterprise ≤ 0.7; individual ≥ 0.8 and ≥ 1.5× enterprise", r3_regularity),
    Target("R4", "average revenue per parcel", "6 – 20 yuan; international ≥ 5× same-city", r4_price),
    Target("R5", "route mix by volume", "same-city 5–25 %, international 0.5–5 %", r5_routes),
    Target("R6", "Double 11: 11 Nov ÷ October daily mean", "1.4 – 3.0", r6_double11),
    Target("R7", "Spring Festival: lowest 7-day mean ÷ 4 weeks before", "0.15 – 0.5", r7_spring_festival),
    Target("R8", "on-time rate", "85 – 97 % on normal days; ≥ 5 points lower in Double 11 week", r8_on_time),
    Target("R9", "loss + damage rate", "0.02 – 0.5 %; fragile damage ≥ 3× documents", r9_loss_damage),
    Target("R10", "complaints per 1,000 parcels", "0.3 – 5; late and lost/damaged lead; billing < 15 %", r10_complaints),
    Target("R11", "yearly churn of day-1 customers", "10 – 30 %; mass ≥ 1.5× high", r11_churn),
    Target("R12", "all four churn kinds", "each ≥ 2 % of churned", r12_kinds),
    Target("R13", "satisfaction predicts churn", "lowest quartile churn ≥ 2× highest", r13_satisfaction),
    Target("R14", "warning signals before churn", "last 8 weeks ≤ 0.7× earlier; complaint rate ≥ 1.5×", r14_warning),
    Target("R15", "cost per won customer ÷ retention cost per kept customer", "3 – 6", r15_acquisition_vs_retention),
    Target("R16", "BG/NBD on individual senders (weekly, half-year holdout)",
           "converges; holdout correlation ≥ 0.5; aggregate error within ±25 %", r16_bgnbd),
    Target("R17", "survey perception (Likert 1–5)", "mean 4.0 – 4.4; after-sales the lowest dimension", r17_perception),
)


def report(result) -> pd.DataFrame:
    """One row per target: code, figure, band, measured value, verdict."""
    rows = []
    for t in TARGETS:
        try:
            value, ok = t.measure(result)
            verdict = "in band" if ok else "OUT"
        except Exception as exc:  # a table a later issue adds may be missing
            value, verdict = f"cannot compute ({type(exc).__name__}: {exc})", "n/a"
        rows.append({"code": t.code, "figure": t.figure, "band": t.band, "value": value, "verdict": verdict})
    return pd.DataFrame(rows)


def calibration_scenario(**overrides):
    from .scenario import preset
    return preset("baseline", start=date(2024, 12, 1), days=365, **overrides)


def main() -> None:
    from .result import simulate
    table = report(simulate(calibration_scenario()))
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
