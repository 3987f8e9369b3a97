"""The demo exercise set: three questions that show the pattern for task1 ... capstone.

Copy this shape for a new set: a ``Task`` named like its module, questions with
an ``expected(data)`` function computed from the student's own dataset, a kind
that says how answers are judged, the answer variable, hints and a solution,
and ``bind = TASK.bind`` at the end.
"""
from __future__ import annotations

from .. import analysis
from .compare import Number, SeriesMatch
from .questions import Question, Task


def _total_revenue(data) -> float:
    return float(data.shipments["price"].sum())


def _top20_share(data) -> float:
    return analysis.top_share(analysis.customer_revenue(data.shipments), 0.2)


def _churn_by_type(data):
    c = data.customers
    base = c[c["acquisition_channel"] == "existing"]
    return base["churn_date"].notna().groupby(base["customer_type"], observed=True).mean()


TASK = Task(
    "demo", "Demo: revenue and churn", title_zh="演示:收入与流失",
    scenario={"customers": 200, "prospects": 100, "days": 120},
    questions=[
        Question(
            "q1", title="Total revenue", title_zh="营业收入", points=1, var="total_revenue",
            text="What is the branch's total revenue (营业收入) in yuan: the sum of `price` over all shipments?",
            expected=_total_revenue, kind=Number(rel=1e-6, abs=0.5, unit="yuan"),
            hints=("Every parcel is one row of `ex.data.shipments`; its price is in the `price` column.",
                   "`ex.data.shipments['price'].sum()`"),
            solution="total_revenue = ex.data.shipments['price'].sum()",
        ),
        Question(
            "q2", title="Top 20% revenue share", title_zh="二八法则", points=2, var="top20_share",
            text="Rank the customers by their revenue. What share (比例, between 0 and 1) of all revenue "
                 "comes from the top 20 % of customers (rounding the number of customers up)?",
            expected=_top20_share, kind=Number(abs=0.005, share=True),
            hints=("Revenue per customer: `shipments.groupby('customer_id')['price'].sum()`.",
                   "Sort it from largest to smallest, take the first `math.ceil(0.2 * n)` customers, "
                   "divide their sum by the total."),
            solution="""\
import math
revenue = ex.data.shipments.groupby('customer_id')['price'].sum().sort_values(ascending=False)
top = math.ceil(0.2 * len(revenue))
top20_share = revenue.iloc[:top].sum() / revenue.sum()""",
        ),
        Question(
            "q3", title="Churn rate by customer type", title_zh="各类型客户流失率", points=2, var="churn_by_type",
            text="Among the customers we already had on day 1 (`acquisition_channel == 'existing'`), what share "
                 "churned (流失率) during the period, for each `customer_type`? Give a Series indexed by type.",
            expected=_churn_by_type, kind=SeriesMatch(abs=1e-3, share=True),
            hints=("A customer churned when its `churn_date` is not missing: `churn_date.notna()`.",
                   "The mean of True/False values is a share: `base.groupby('customer_type')[...].mean()`."),
            solution="""\
c = ex.data.customers
base = c[c['acquisition_channel'] == 'existing']
churn_by_type = base['churn_date'].notna().groupby(base['customer_type'], observed=True).mean()""",
        ),
    ],
)

bind = TASK.bind
