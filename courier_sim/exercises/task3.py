"""Task 3 exercise set: service promotion (快递业务推介).

The student's dataset is half a year of a 500-customer branch whose couriers
pitch a service at one pickup in ten (about a thousand pitches). Questions
follow ``notebooks/03_service_promotion.ipynb``: acceptance overall, by offer,
by value tier and by fit; annoyance; the price of parcels with services;
the principles and FAB; and an interactive pitch the teacher reads.

``offer_fits(pitches)`` is the fit rule of the lesson written with columns a
student can see (no latent preference weights), for the fit questions.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis
from .compare import Choice, Keywords, Number, SeriesMatch, TeacherGraded
from .questions import Question, Task

SCENARIO = {"preset": "baseline", "customers": 500, "prospects": 200, "days": 180, "pitch_rate": 0.1}
CUSTOMER_COLUMNS = ["customer_id", "customer_type", "specialty_market", "regular", "item_value", "fragility"]


def offer_fits(pitches: pd.DataFrame) -> pd.Series:
    """True where the pitched offer fits the customer (按需推介的规则).

    ``pitches`` must carry the customer's ``customer_type``, ``specialty_market``,
    ``regular``, ``item_value`` and ``fragility`` (merge ``customers`` in first).
    The rule: insurance for valuable goods (item value above 600 yuan) or
    leather and electronics traders; cash on delivery for e-commerce sellers;
    waybill printing for businesses that ship on a schedule; SMS notification
    for individuals; packaging for fragile goods (fragility above 0.5);
    scheduled pickup for regular shippers; express and same-day for CBD
    offices and electronics traders (speed first).
    """
    p = pitches
    s = p["service"].astype(str)
    speed_first = (p["customer_type"] == "cbd") | (p["specialty_market"] == "electronics")
    rules = {
        "insured": p["specialty_market"].isin(["leather", "electronics"]) | (p["item_value"] > 600),
        "cod": p["customer_type"] == "ecommerce",
        "waybill_printing": p["regular"].astype(bool) & (p["customer_type"] != "individual"),
        "sms_notify": p["customer_type"] == "individual",
        "packaging": p["fragility"] > 0.5,
        "scheduled_pickup": p["regular"].astype(bool),
        "express": speed_first,
        "same_day": speed_first,
    }
    fits = np.select([(s == k).to_numpy() for k in rules], [np.asarray(v, bool) for v in rules.values()], False)
    return pd.Series(fits.astype(bool), index=p.index, name="fits")


# --- expected answers (from the student's own dataset) ---------------------------------
def _with_customers(data) -> pd.DataFrame:
    return data.pitches.merge(data.customers[CUSTOMER_COLUMNS], on="customer_id")


def _acceptance(data) -> float:
    return float(data.pitches["accepted"].mean())


def _by_service(data) -> pd.Series:
    p = data.pitches
    return p.groupby("service", observed=True)["accepted"].mean()


def _by_tier(data) -> pd.Series:
    tiers = analysis.abc_tiers(data.shipments.groupby("customer_id")["price"].sum())
    p = data.pitches
    return p["accepted"].groupby(p["customer_id"].map(tiers), observed=True).mean()


def _by_fit(data) -> pd.Series:
    p = _with_customers(data)
    return p["accepted"].groupby(offer_fits(p)).mean()


def _annoyed_unfit(data) -> float:
    p = _with_customers(data)
    return float(p.loc[~offer_fits(p), "annoyed"].mean())


def _price_ratio(data) -> float:
    s = data.shipments
    has = s["services"] != ""
    return float(s.loc[has, "price"].mean() / s.loc[~has, "price"].mean())


PRACTICE_OPTIONS = ("A", "B", "C", "D")

TASK = Task(
    "task3", "Service promotion", title_zh="快递业务推介",
    scenario=SCENARIO,
    questions=[
        Question(
            "q1", title="Acceptance rate", title_zh="推介成功率", points=1, var="acceptance_rate",
            text="Each row of `pitches` (`data.pitches`) is one service offered at pickup (业务推介) with `accepted` "
                 "True or False. What share (0 to 1) of all pitches was accepted?",
            expected=_acceptance, kind=Number(abs=1e-4, share=True),
            hints=("The mean of a True/False column is the share of True values.",),
            solution="acceptance_rate = pitches['accepted'].mean()",
        ),
        Question(
            "q2", title="Acceptance by offer", title_zh="各项服务的推介成功率", points=2, var="acceptance_by_service",
            text="For each offer in the catalogue (the `service` column: value-added services 增值服务 and the "
                 "express / same-day upgrades), what share of its pitches was accepted? Give a Series indexed by "
                 "service.",
            expected=_by_service, kind=SeriesMatch(abs=1e-4, share=True),
            hints=("Group the pitches by `service` and take the mean of `accepted`.",
                   "`pitches.groupby('service', observed=True)['accepted'].mean()`"),
            solution="acceptance_by_service = pitches.groupby('service', observed=True)['accepted'].mean()",
        ),
        Question(
            "q3", title="Acceptance by value tier", title_zh="不同价值层级的推介成功率", points=2,
            var="acceptance_by_tier",
            text="High-end customers (高端客户) try new services readily, mass customers (大众客户) rarely. A branch "
                 "cannot see a customer's value level directly, so tier customers by their revenue: compute each "
                 "customer's total `price` over `shipments`, tier it with `analysis.abc_tiers(...)` "
                 "(A = the customers who bring the first 80 % of revenue, C = the smallest), and give the "
                 "acceptance rate of the pitches made to each tier, as a Series indexed by A, B, C.",
            expected=_by_tier, kind=SeriesMatch(abs=1e-4, share=True),
            hints=("`revenue = shipments.groupby('customer_id')['price'].sum()`, then "
                   "`tiers = analysis.abc_tiers(revenue)` is a Series: customer id -> tier.",
                   "`pitches['customer_id'].map(tiers)` gives each pitch its customer's tier; group `accepted` by it."),
            solution="""\
revenue = shipments.groupby('customer_id')['price'].sum()
tiers = analysis.abc_tiers(revenue)
acceptance_by_tier = pitches['accepted'].groupby(pitches['customer_id'].map(tiers), observed=True).mean()""",
        ),
        Question(
            "q4", title="Acceptance by fit", title_zh="按需推介:是否对路", points=2, var="acceptance_by_fit",
            text="Does the offer fit the customer? `task3.offer_fits(p)` applies the lesson's fit rule (read it with "
                 "`help(task3.offer_fits)`) to a pitches table `p` that also carries the customer's "
                 "`customer_type`, `specialty_market`, `regular`, `item_value` and `fragility`. Merge those columns "
                 "from `customers` into the pitches, then give the acceptance rate of fitting (True) and "
                 "non-fitting (False) pitches, as a Series indexed by True / False.",
            expected=_by_fit, kind=SeriesMatch(abs=1e-4, share=True),
            hints=("`p = pitches.merge(customers[['customer_id', 'customer_type', 'specialty_market', "
                   "'regular', 'item_value', 'fragility']], on='customer_id')`",
                   "`fits = task3.offer_fits(p)`, then `p['accepted'].groupby(fits).mean()`."),
            solution="""\
p = pitches.merge(customers[['customer_id', 'customer_type', 'specialty_market', 'regular',
                             'item_value', 'fragility']], on='customer_id')
fits = task3.offer_fits(p)
acceptance_by_fit = p['accepted'].groupby(fits).mean()""",
        ),
        Question(
            "q5", title="Irrelevant offers annoy", title_zh="不对路的推介引起反感", points=1, var="annoyed_when_unfit",
            text="What share (0 to 1) of the pitches that did **not** fit the customer left the customer annoyed "
                 "(`annoyed` is True)?",
            expected=_annoyed_unfit, kind=Number(abs=1e-4, share=True),
            hints=("Use the table `p` and the fit flags `fits` you made in Q4: `~fits` selects the pitches that do not fit.",
                   "`p.loc[~fits, 'annoyed'].mean()`"),
            solution="annoyed_when_unfit = p.loc[~fits, 'annoyed'].mean()",
        ),
        Question(
            "q6", title="Parcels with services pay more", title_zh="增值服务与收入", points=1, var="price_ratio",
            text="In `shipments`, the `services` column lists a parcel's value-added services (an empty "
                 "text `''` means none). Divide the mean `price` of parcels with at least one service by the mean "
                 "`price` of parcels with none.",
            expected=_price_ratio, kind=Number(rel=1e-4, abs=1e-4),
            hints=("`has = shipments['services'] != ''` marks parcels with a service.",
                   "`shipments.loc[has, 'price'].mean() / shipments.loc[~has, 'price'].mean()`"),
            solution="""\
has = shipments['services'] != ''
price_ratio = shipments.loc[has, 'price'].mean() / shipments.loc[~has, 'price'].mean()""",
        ),
        Question(
            "q7", title="What should the couriers change?", title_zh="改进推介方式", points=1, var="practice_choice",
            text="The couriers of your branch recite the same list of services to every customer. Based on Q3–Q5, "
                 "which change is most likely to raise acceptance **and** reduce annoyance? Answer with one letter.\n\n"
                 "- **A** Pitch at every pickup instead of one in ten.\n"
                 "- **B** Pitch mainly to tier C customers: there are many of them.\n"
                 "- **C** Ask about the customer's goods and shipping first, then offer the one service that fits "
                 "(needs-based, 按需推介), explained with FAB.\n"
                 "- **D** Stop all pitching: customers dislike it.",
            expected=lambda data: "C", kind=Choice(options=PRACTICE_OPTIONS),
            hints=("Compare acceptance and annoyance for fitting and non-fitting pitches (Q4, Q5).",),
            solution='practice_choice = "C"',
        ),
        Question(
            "q8", title="Three principles", title_zh="推介的三项原则", points=1, var="principles",
            text="Name the three principles of service promotion (业务推介的原则). English or Chinese.",
            kind=Keywords([("need", "需求", "需要"),
                           ("mutual", "both sides", "win-win", "win win", "互利", "双赢"),
                           ("respect", "尊重")]),
            hints=("One is about the customer's problem, one about who gains, one about how you treat the customer.",),
            solution='principles = "Meet the customer\'s need, mutual benefit for the customer and the branch, '
                     'and respect for the customer."',
        ),
        Question(
            "q9", title="A FAB presentation", title_zh="FAB介绍法", points=2, var="fab_packaging",
            text="A glass workshop (易碎品 shipper) sends vases to shops. Write one or two sentences presenting our "
                 "**packaging service** with FAB: the Feature (特征) — what it is, the Advantage (优势) — what it "
                 "does, the Benefit (利益) — what this customer gains.",
            kind=Keywords([("carton", "foam", "box", "bubble", "padding", "corner", "packag", "包装", "泡沫", "纸箱"),
                           ("protect", "intact", "break", "damage", "safe", "survive", "whole", "破损", "保护", "完好", "安全"),
                           ("save", "loss", "cost", "money", "margin", "complain", "reputation", "repeat", "customers",
                            "profit", "损失", "成本", "利润", "投诉", "口碑", "回头客")],
                          partial=True),
            hints=("Feature: cartons, foam, corner guards. Advantage: vases arrive intact.",
                   "Benefit: say what that means for the workshop's money or its own customers."),
            solution='fab_packaging = "We pack each vase in a fitted carton with foam and corner guards (feature), '
                     'so it arrives intact even on a long trip (advantage): you stop losing money on broken '
                     'vases and your shops get no complaints (benefit)."',
        ),
        Question(
            "q10", title="An interactive pitch", title_zh="互动式推介", points=3, var="pitch_dialogue",
            text="Write a short dialogue (6–8 lines) in which a courier picking up from an e-commerce seller "
                 "(电商客户) promotes one service. Show that the pitch is proactive (主动), flexible (灵活: it adapts "
                 "to what the customer says) and interactive (互动: the courier asks and listens), and that it "
                 "respects the customer if the answer is no.",
            kind=TeacherGraded(min_chars=200),
            hints=("Start with a question about the seller's buyers or returns, not with the price list.",
                   "Cash on delivery (代收货款) and SMS notification often fit online sellers."),
            solution="""\
pitch_dialogue = (
    "Courier: Your parcels look busier this month - are you selling to new buyers? "
    "Seller: Yes, but many first-time buyers will not pay in advance. "
    "Courier: Then cash on delivery may help: we collect the payment at the door and transfer it to you "
    "within two days, so new buyers can order without risk and you lose fewer sales. "
    "Seller: What does it cost? "
    "Courier: One percent of the amount collected. Shall I set it up for the parcels of new buyers only, as a trial? "
    "Seller: Let me think about it. "
    "Courier: Of course - I will bring the form on Thursday's pickup, no obligation."
)""",
        ),
    ],
)

bind = TASK.bind
