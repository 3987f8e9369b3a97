"""Task 1 exercise set (快递客户分析): classify customers and find their buying drivers from data.

The student's dataset is the default exercise branch (about 300 customers,
half a year) drawn from the student's seed. The hidden drivers (value level,
preference weights, expectations) are removed from the student's view, so
every computed answer comes from what a real branch observes: revenue,
shipping days, products and services bought, complaints. The interpretation
questions ask what those observations mean for a salesperson.
"""
from __future__ import annotations

import pandas as pd

from .. import analysis
from ..records import CAUSES, CUSTOMER_TYPES
from .compare import Choice, Keywords, Number, SeriesMatch, option_list
from .questions import Question, Task

FAST_PRODUCTS = ("express", "same_day")

DOUBTS = {
    "A": "service quality (服务质量): are the couriers fit for a premium office building?",
    "B": "price system and billing (价格体系与结算)",
    "C": "product details (产品细节): transit steps, quotes, how claims work",
    "D": "service commitments (服务承诺): on-time pickup and delivery, insurance, tracking",
    "E": "fees (费用): is it value for money?",
    "F": "value-added services (增值服务): are the promised extras really delivered?",
}
OFFERS = {
    "A": "the economy product at the lowest price, no extras",
    "B": "express delivery with insured shipping (保价) and careful packaging",
    "C": "a same-city bicycle courier without tracking, for speed in town",
    "D": "a festival gift and a loyalty card, with the standard product",
}


class TiedChoice(Choice):
    """A choice read off the data where a tie is possible: any of the tied labels is right.

    ``expected`` is a tuple of the labels that share the top place (usually one).
    """

    def judge(self, answer, expected):
        verdicts = [Choice.judge(self, answer, label) for label in expected]
        return next((v for v in verdicts if v.passed), verdicts[0])

    def show_expected(self, expected) -> str:
        return " or ".join(map(str, expected))


# --- expected answers, from the student's own data ------------------------------------
def _types(data) -> pd.Series:
    """The customer type of every parcel (aligned with ``shipments``)."""
    return data.shipments["customer_id"].map(data.customers.set_index("customer_id")["customer_type"])


def _individual_revenue_share(data) -> float:
    s = data.shipments
    revenue = s.groupby(_types(data), observed=True)["price"].sum()
    return float(revenue.get("individual", 0.0) / revenue.sum())


def _median_gap_cv(data) -> pd.Series:
    cv = analysis.shipping_regularity(data.shipments)
    types = data.customers.set_index("customer_id")["customer_type"].reindex(cv.index)
    return cv.groupby(types, observed=True).median()


def _most_irregular(data) -> str:
    return str(_median_gap_cv(data).idxmax())


def _insured_share(data) -> pd.Series:
    s = data.shipments
    market = s["customer_id"].map(data.customers.set_index("customer_id")["specialty_market"]).astype(str)
    traders = market != "none"
    insured = s.loc[traders, "services"].str.contains("insured", regex=False)
    return insured.groupby(market[traders]).mean()


def _fast_share(data) -> pd.Series:
    s = data.shipments
    return s["product"].isin(FAST_PRODUCTS).groupby(_types(data), observed=True).mean()


def _most_urgent_type(data) -> str:
    return str(_fast_share(data).idxmax())


def _cbd_complaints_per_1000(data) -> float:
    c = data.customers
    cbd = set(c.loc[c["customer_type"] == "cbd", "customer_id"])
    parcels = int(data.shipments["customer_id"].isin(cbd).sum())
    complaints = int(data.complaints["customer_id"].isin(cbd).sum())
    return 1000.0 * complaints / parcels


def _cbd_cause_counts(data) -> pd.Series:
    c = data.customers
    cbd = set(c.loc[c["customer_type"] == "cbd", "customer_id"])
    k = data.complaints[data.complaints["customer_id"].isin(cbd)]
    return k["cause"].astype(str).value_counts()


def _cbd_top_cause(data) -> tuple[str, ...]:
    counts = _cbd_cause_counts(data)
    return tuple(counts.index[counts == counts.max()])


TASK = Task(
    "task1", "Customer analysis", title_zh="快递客户分析",
    questions=[
        Question(
            "q1", title="Individuals' share of revenue", title_zh="个人客户收入占比", points=1,
            var="individual_revenue_share",
            text="Individuals (个人客户) are the most numerous customers. What share (比例, between 0 and 1) of the "
                 "branch's revenue (the sum of `price` over all shipments) comes from parcels of customers whose "
                 "`customer_type` is `'individual'`?",
            expected=_individual_revenue_share, kind=Number(abs=1e-4, share=True),
            hints=("Look up each parcel's customer type: map `shipments['customer_id']` through "
                   "`customers.set_index('customer_id')['customer_type']`.",
                   "Group the parcels' `price` by that type and sum; divide the individuals' revenue by the total."),
            solution="""\
parcel_type = shipments["customer_id"].map(customers.set_index("customer_id")["customer_type"])
revenue_by_type = shipments.groupby(parcel_type, observed=True)["price"].sum()
individual_revenue_share = revenue_by_type["individual"] / revenue_by_type.sum()""",
        ),
        Question(
            "q2", title="Regular or irregular: median gap CV by type", title_zh="各类客户发件间隔变异系数",
            points=2, var="median_gap_cv",
            text="`analysis.shipping_regularity(shipments)` gives, for every customer with at least 4 shipping days, "
                 "the coefficient of variation (变异系数, CV) of the gaps in days between its shipping days: low for a "
                 "customer that ships at fixed intervals (定时定量), high for one that ships irregularly. Give the "
                 "**median** gap CV of each `customer_type` as a Series indexed by type.",
            expected=_median_gap_cv, kind=SeriesMatch(rel=1e-3, abs=1e-6),
            hints=("`cv = analysis.shipping_regularity(shipments)` is a Series indexed by customer_id.",
                   "Look up the type of each customer in `cv.index` (`.reindex(cv.index)` on the customers' "
                   "type Series), then `cv.groupby(types, observed=True).median()`."),
            solution="""\
gap_cv = analysis.shipping_regularity(shipments)
types = customers.set_index("customer_id")["customer_type"].reindex(gap_cv.index)
median_gap_cv = gap_cv.groupby(types, observed=True).median()""",
        ),
        Question(
            "q3", title="The most irregular shippers", title_zh="发件最不规律的客户类型", points=1,
            var="most_irregular",
            text="Which customer type ships most irregularly, judged by the median gap CV of Q2? Give the type, "
                 "e.g. `'cbd'`.",
            expected=_most_irregular, kind=Choice(options=CUSTOMER_TYPES),
            hints=("Irregular means a high CV.", "`median_gap_cv.idxmax()` gives the label of the largest value."),
            solution="most_irregular = median_gap_cv.idxmax()",
        ),
        Question(
            "q4", title="Insured shipping in the specialty markets", title_zh="专业市场的保价比例", points=2,
            var="insured_share",
            text="Specialty-market traders (专业市场客户: customers whose `specialty_market` is not `'none'`) send "
                 "valuable goods. For each specialty market (leather 皮革, fragile 易碎品, electronics 电子产品, "
                 "industrial 工业产品), what share of the traders' parcels uses insured shipping (保价), i.e. has "
                 "`'insured'` in its `services`? Give a Series indexed by market, with shares between 0 and 1.",
            expected=_insured_share, kind=SeriesMatch(abs=1e-3, share=True),
            hints=("Map each parcel's `customer_id` to its customer's `specialty_market` and keep the parcels "
                   "whose market is not `'none'`.",
                   "`services.str.contains('insured', regex=False)` is True for insured parcels; its mean per "
                   "market (groupby) is the share."),
            solution="""\
market = shipments["customer_id"].map(customers.set_index("customer_id")["specialty_market"]).astype(str)
market = market.rename("specialty_market")
traders = market != "none"
insured = shipments.loc[traders, "services"].str.contains("insured", regex=False)
insured_share = insured.groupby(market[traders]).mean()""",
        ),
        Question(
            "q5", title="Who pays for speed?", title_zh="最看重时效的客户类型", points=1, var="most_urgent_type",
            text="Which customer type sends the largest **share** of its parcels with the fast products "
                 "(`product` is `'express'` or `'same_day'`)? Give the type.",
            expected=_most_urgent_type, kind=Choice(options=CUSTOMER_TYPES),
            hints=("`shipments['product'].isin(['express', 'same_day'])` marks the fast parcels.",
                   "Group that True/False Series by each parcel's customer type (as in Q1), take the mean, "
                   "then `.idxmax()`."),
            solution="""\
fast_share = shipments["product"].isin(["express", "same_day"]).groupby(parcel_type, observed=True).mean()
most_urgent_type = fast_share.idxmax()""",
        ),
        Question(
            "q6", title="CBD complaints per 1,000 parcels", title_zh="CBD客户千件投诉率", points=1,
            var="cbd_complaints_per_1000",
            text="CBD office towers (中央商务区客户, `customer_type == 'cbd'`) are strict customers. How many complaints "
                 "(投诉) did CBD customers raise per 1,000 parcels they sent? (complaints of CBD customers ÷ parcels "
                 "of CBD customers × 1,000)",
            expected=_cbd_complaints_per_1000, kind=Number(rel=1e-3, abs=1e-6),
            hints=("Make the set of CBD customer ids first; `isin` then selects their parcels and their complaints.",
                   "Count rows with `len(...)` or `.sum()` of a True/False Series."),
            solution="""\
cbd_ids = customers.loc[customers["customer_type"] == "cbd", "customer_id"]
cbd_complaints = complaints[complaints["customer_id"].isin(cbd_ids)]
cbd_parcels = shipments[shipments["customer_id"].isin(cbd_ids)]
cbd_complaints_per_1000 = 1000 * len(cbd_complaints) / len(cbd_parcels)""",
        ),
        Question(
            "q7", title="What CBD customers complain about", title_zh="CBD客户最常见的投诉原因", points=1,
            var="cbd_top_cause",
            text="What is the most common `cause` of the complaints raised by CBD customers? Give the cause, e.g. "
                 "`'billing'`.",
            expected=_cbd_top_cause, kind=TiedChoice(options=CAUSES),
            hints=("Use the CBD complaints of Q6.", "`cbd_complaints['cause'].value_counts()` counts each cause, "
                   "largest first; `.idxmax()` gives the top one."),
            solution="cbd_top_cause = cbd_complaints['cause'].value_counts().idxmax()",
        ),
        Question(
            "q8", title="Which of the six doubts?", title_zh="六种疑虑", points=1, var="cbd_doubt",
            text="A CBD tower buys only after six doubts (六种疑虑) are settled. Your answers to Q6 and Q7 show what "
                 "its complaints are mostly about. Which doubt do they speak to most directly? Give the letter.\n\n"
                 + option_list(DOUBTS),
            expected=lambda data: "D", kind=Choice(options=tuple(DOUBTS)),
            hints=("Most CBD complaints are about lateness. Which doubt is about timeliness?",),
            solution='cbd_doubt = "D"  # service commitments: CBD towers are very strict on timeliness (时效)',
        ),
        Question(
            "q9", title="An offer for an electronics trader", title_zh="电子产品客户的推介方案", points=1,
            var="electronics_offer",
            text="A trader in the electronics market (电子产品专业市场) asks for an offer. Electronics have high "
                 "value, short product cycles and volatile prices. Which offer fits its buying drivers best? Give "
                 "the letter.\n\n" + option_list(OFFERS),
            expected=lambda data: "B", kind=Choice(options=tuple(OFFERS)),
            hints=("Look at your Q4 answer for electronics, and think about what a delay costs a seller whose "
                   "prices change every week.",),
            solution='electronics_offer = "B"  # safety (insurance, packaging) plus tight time limits',
        ),
        Question(
            "q10", title="Enterprise against individual", title_zh="企业客户与个人客户的区别", points=2,
            var="enterprise_vs_individual",
            text="In one or two sentences: how do enterprise customers (企业客户) and individual customers (个人客户) "
                 "differ in **what they value most** when choosing a courier, and in **when they ship**? "
                 "Write your answer as text in quotes (English or Chinese).",
            kind=Keywords([("safety", "safe", "secure", "安全", "保价"),
                           ("price", "cheap", "cost", "价格", "便宜", "低价"),
                           ("fixed", "schedule", "clockwork", "固定", "定期", "定时定量", "every week", "每周"),
                           ("irregular", "random", "whenever", "不定时", "随机", "不规律")],
                          need=3, partial=True),
            hints=("Think of the two groups' preference for safety and price (lesson 01, section 2).",
                   "Your Q2 answer says which group ships at fixed intervals and which irregularly."),
            solution='''\
enterprise_vs_individual = (
    "Enterprises value safety (and service, brand) more than price and ship at fixed times and intervals; "
    "individuals value price and convenience and ship irregularly, whenever something comes up."
)''',
        ),
    ],
)

bind = TASK.bind
