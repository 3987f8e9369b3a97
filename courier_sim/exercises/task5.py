"""Task 5 exercise set (快递客户分层管理): tier your own branch by value, behaviour and relationship.

The student's dataset is a full year of the exercise branch (about 300
customers), so that behaviour tiers, a first-half / second-half comparison
(tier drift) and profit per customer are meaningful. "The end of the year"
is the scenario's start plus its days. Profit uses
``analysis.profitability(shipments, retention_actions)``: the cost of the
parcels plus what was spent keeping the customer.
"""
from __future__ import annotations

import pandas as pd

from .. import analysis
from .compare import Choice, IdSet, Keywords, Number, SeriesMatch, option_list
from .questions import Question, Task

SCENARIO = {"days": 365}
STATES = ("new", "active", "dormant", "churned")
RFM_SEGMENTS = tuple(analysis.RFM_SEGMENTS_ZH)
RETENTION, DISCOUNT, YEARS = 0.9, 0.1, 3

ACTIONS = {
    "A": "nothing: a customer with high potential will come back by itself",
    "B": "an urgent visit by its account manager to find the cause and fix it",
    "C": "move it to self-service ordering to save the cost of serving it",
    "D": "a 10 % price cut for every customer of the branch",
}


# --- shared steps ----------------------------------------------------------------------
def _end(data) -> pd.Timestamp:
    return pd.Timestamp(data.scenario.start) + pd.Timedelta(days=data.scenario.days)


def _half(data) -> pd.Timestamp:
    return pd.Timestamp(data.scenario.start) + pd.Timedelta(days=data.scenario.days // 2)


def _money(data) -> pd.DataFrame:
    return analysis.profitability(data.shipments, data.retention_actions)


def _tiers(data) -> pd.Series:
    return analysis.abc_tiers(_money(data)["revenue"])


# --- expected answers --------------------------------------------------------------------
def _top20_share(data) -> float:
    return analysis.top_share(_money(data)["revenue"], 0.2)


def _tier_counts(data) -> pd.Series:
    return _tiers(data).value_counts().reindex(["A", "B", "C"]).astype(int)


def _negative_share(data) -> float:
    return float((_money(data)["profit"] < 0).mean())


def _state_counts(data) -> pd.Series:
    states = analysis.lifecycle_states(data.shipments, data.customers, as_of=_end(data))
    return states.value_counts().reindex(list(STATES), fill_value=0).astype(int)


def _rfm_segment(data) -> str:
    rfm = analysis.rfm(data.shipments, as_of=_end(data))
    quiet = rfm[rfm["recency"] > 30]
    return str(quiet.loc[quiet["monetary"].idxmax(), "segment"])


def _top_clv(data) -> float:
    profit = _money(data)["profit"]
    return float(profit.max() * sum(RETENTION ** t / (1 + DISCOUNT) ** t for t in range(YEARS)))


def _half_tiers(data):
    s = data.shipments
    half = _half(data)
    first = analysis.abc_tiers(s[s["created"] < half].groupby("customer_id")["price"].sum())
    second = analysis.abc_tiers(s[s["created"] >= half].groupby("customer_id")["price"].sum())
    return first, second


def _a_stay_share(data) -> float:
    first, second = _half_tiers(data)
    a_first = first.index[first == "A"]
    return float((second.reindex(a_first).astype(object) == "A").mean())


def _call_list(data) -> list[int]:
    tiers = _tiers(data)
    signals = analysis.warning_signals(data.shipments, data.complaints, data.customers, as_of=_end(data),
                                       contacts=data.contacts)
    at_risk = set(signals.index[signals["at_risk"]])
    return sorted(int(i) for i in tiers.index[tiers == "A"] if i in at_risk)


TASK = Task(
    "task5", "Customer tiering", title_zh="快递客户分层管理",
    scenario=SCENARIO,
    questions=[
        Question(
            "q1", title="The 80/20 rule in revenue", title_zh="二八法则", points=1, var="top20_share",
            text="Rank the customers by their revenue for the year (the sum of `price` of their parcels). What share "
                 "(比例, 0 to 1) of all revenue do the top 20 % of customers bring (round the number of customers "
                 "up)?",
            expected=_top20_share, kind=Number(abs=1e-3, share=True),
            hints=("Revenue per customer: `shipments.groupby('customer_id')['price'].sum()`.",
                   "`analysis.top_share(revenue, 0.2)` does the ranking for you; or sort, take the first "
                   "`math.ceil(0.2 * n)` and divide their sum by the total."),
            solution="""\
money = analysis.profitability(shipments, retention_actions)   # revenue, cost and profit per customer
top20_share = analysis.top_share(money["revenue"], 0.2)""",
        ),
        Question(
            "q2", title="ABC value tiers", title_zh="ABC价值分层", points=2, var="tier_counts",
            text="Put the customers into ABC value tiers (价值分层) with `analysis.abc_tiers(revenue)`: tier A brings "
                 "the first 80 % of revenue, B the next 15 %, C the rest. How many customers are in each tier? "
                 "Give a Series indexed by `'A'`, `'B'`, `'C'`.",
            expected=_tier_counts, kind=SeriesMatch(abs=0.5),
            hints=("`tiers = analysis.abc_tiers(revenue)` gives each customer's tier.",
                   "`tiers.value_counts()` counts the customers per tier."),
            solution="""\
tiers = analysis.abc_tiers(money["revenue"])
tier_counts = tiers.value_counts()""",
        ),
        Question(
            "q3", title="Negative-profit customers", title_zh="负利润客户占比", points=1, var="negative_share",
            text="Profit = revenue − cost to serve, where the cost includes the parcels' `cost` **and** the "
                 "retention spending (`retention_actions`) — exactly what "
                 "`analysis.profitability(shipments, retention_actions)` computes. What share (0 to 1) of the "
                 "customers who shipped with us have **negative** profit (负利润)?",
            expected=_negative_share, kind=Number(abs=1e-3, share=True),
            hints=("`money = analysis.profitability(shipments, retention_actions)` has a `profit` "
                   "column, one row per customer.",
                   "`(money['profit'] < 0).mean()` is the share."),
            solution="negative_share = (money['profit'] < 0).mean()",
        ),
        Question(
            "q4", title="Behaviour tiers at the end of the year", title_zh="行为分层", points=2, var="state_counts",
            text="Behaviour tiering (行为分层) sorts customers into new, active, dormant and churned (新用户 / 活跃用户 / "
                 "沉睡用户 / 流失用户). Use `analysis.lifecycle_states(shipments, customers, as_of=end)` with `end` the "
                 "end of the year (`end`, defined in the setup cell: the start plus the number of days). "
                 "How many customers are in each state? Give a Series indexed by the four states (include a state "
                 "with 0 customers).",
            expected=_state_counts, kind=SeriesMatch(abs=0.5),
            hints=("`states = analysis.lifecycle_states(shipments, customers, as_of=end)` gives each customer's state.",
                   "`states.value_counts()` counts them (a categorical Series also lists empty states)."),
            solution="""\
states = analysis.lifecycle_states(shipments, customers, as_of=end)
state_counts = states.value_counts()""",
        ),
        Question(
            "q5", title="RFM segment of a quiet big spender", title_zh="RFM客户分群", points=1, var="rfm_segment",
            text="Compute RFM scores with `analysis.rfm(shipments, as_of=end)` (Recency, Frequency, Monetary). Among "
                 "the customers whose last parcel was **more than 30 days** before the end of the year "
                 "(`recency > 30`), take the one with the highest `monetary` value. What is its RFM `segment`? Give "
                 "the segment name, e.g. `'loyal'`.",
            expected=_rfm_segment, kind=Choice(options=RFM_SEGMENTS),
            hints=("Filter the RFM table with `rfm[rfm['recency'] > 30]`.",
                   "`quiet['monetary'].idxmax()` is the customer id; read its `segment` with `.loc`."),
            solution="""\
rfm = analysis.rfm(shipments, as_of=end)
quiet = rfm[rfm["recency"] > 30]
rfm_segment = quiet.loc[quiet["monetary"].idxmax(), "segment"]""",
        ),
        Question(
            "q6", title="Lifetime value of the best customer", title_zh="客户生命周期价值", points=2, var="top_clv",
            text="Take the customer with the highest profit for the year (Q3's profit). Estimate its customer lifetime "
                 "value (客户生命周期价值) over 3 years with a retention rate (保留率) r = 0.9 and a discount rate (折现率) "
                 "d = 10 %: CLV = profit × (1 + r/(1+d) + r²/(1+d)²). Give the CLV in yuan.",
            expected=_top_clv, kind=Number(rel=1e-4, unit="yuan"),
            hints=("`money['profit'].max()` is the best customer's yearly profit.",
                   "The first year is not discounted: the factor is the sum over t = 0, 1, 2 of 0.9**t / 1.1**t."),
            solution="""\
best_profit = money["profit"].max()
top_clv = best_profit * sum(0.9 ** t / 1.1 ** t for t in range(3))""",
        ),
        Question(
            "q7", title="Tier drift: who stays in tier A?", title_zh="层级迁移", points=2, var="a_stay_share",
            text="Tiers drift (层级迁移). Split the year in the middle, at "
                 "`half = start + pd.Timedelta(days=ex.data.scenario.days // 2)`: the first half is "
                 "parcels `created` before `half`, the second half the rest. Compute ABC tiers separately for each "
                 "half from that half's revenue per customer. Of the customers in tier A in the first half, what share "
                 "(0 to 1) is in tier A in the second half too? (A customer with no parcels in the second half is "
                 "not in tier A.)",
            expected=_a_stay_share, kind=Number(abs=1e-3, share=True),
            hints=("`half = start + pd.Timedelta(days=ex.data.scenario.days // 2)`; "
                   "`shipments[shipments['created'] < half]` is the first half.",
                   "Reindex the second-half tiers on the first-half tier-A ids; missing ones are not A. "
                   "`(second.reindex(ids) == 'A').mean()`."),
            solution="""\
half = start + pd.Timedelta(days=ex.data.scenario.days // 2)
first = analysis.abc_tiers(shipments[shipments["created"] < half].groupby("customer_id")["price"].sum())
second = analysis.abc_tiers(shipments[shipments["created"] >= half].groupby("customer_id")["price"].sum())
a_first = first.index[first == "A"]
a_stay_share = (second.reindex(a_first).astype(object) == "A").mean()""",
        ),
        Question(
            "q8", title="This week's call list", title_zh="重点客户挽留名单", points=2, var="call_list",
            text="A tag system (标签体系) lets you search customers by tags. Find the customers tagged **tier A** (from "
                 "Q2, the whole year) **and** **at risk** — `at_risk` is True in "
                 "`analysis.warning_signals(shipments, complaints, customers, as_of=end, contacts=contacts)` "
                 "(in the last 8 weeks: volume down by more than 30 % for a customer that shipped weekly, repeated "
                 "complaints, or a contact note praising a competitor or telling of a new owner or a new course). "
                 "Give their customer ids as a list.",
            expected=_call_list, kind=IdSet(what="customers"),
            hints=("`signals = analysis.warning_signals(shipments, complaints, customers, as_of=end, "
                   "contacts=contacts)` is indexed by customer id.",
                   "Keep the ids that are in `tiers[tiers == 'A'].index` and have `signals['at_risk']` True."),
            solution="""\
signals = analysis.warning_signals(shipments, complaints, customers, as_of=end, contacts=contacts)
at_risk = signals.index[signals["at_risk"]]
call_list = [i for i in tiers.index[tiers == "A"] if i in set(at_risk)]""",
        ),
        Question(
            "q9", title="The segmentation matrix: a leaving customer", title_zh="客户细分矩阵", points=1,
            var="leaving_action",
            text="In the segmentation matrix (客户细分矩阵) a customer has **high profit potential** and is **leaving** "
                 "(即将离开): its weekly volume fell by 40 % over eight weeks and it complained twice. Which action "
                 "fits? Give the letter.\n\n" + option_list(ACTIONS),
            expected=lambda data: "B", kind=Choice(options=tuple(ACTIONS)),
            hints=("High potential means it is worth the branch's most capable staff; leaving means time is short.",),
            solution='leaving_action = "B"  # high potential x leaving: urgent rescue by the account manager',
        ),
        Question(
            "q10", title="Drop the loss-makers?", title_zh="是否放弃负利润客户", points=2, var="keep_loss_makers",
            text="Your answer to Q3 shows that many customers lose money. A manager proposes to stop serving all of "
                 "them. Give **two reasons** against simply dropping them, and **one thing to do instead**. Write "
                 "your answer as text in quotes (English or Chinese).",
            kind=Keywords([("fixed cost", "overhead", "cover", "固定成本", "分摊", "volume", "业务量", "规模"),
                           ("grow", "potential", "future", "move up", "潜力", "成长", "发展", "升级"),
                           ("refer", "word of mouth", "reputation", "推荐", "口碑", "转介绍"),
                           ("competitor", "rival", "竞争"),
                           ("price", "surcharge", "self-service", "drop-off", "batch", "cost to serve", "调价",
                            "提价", "加价", "自助", "自提", "合并", "降低成本", "服务成本")],
                          need=3, partial=True),
            hints=("Think of fixed costs, customers that grow (tier drift), referrals and competitors.",
                   "What could change the cost to serve or the price instead of ending the relationship?"),
            solution='''\
keep_loss_makers = (
    "Their parcels still help cover fixed costs such as pickup routes and sorting shifts, and some will grow into "
    "better tiers (tier drift) or refer others; dropping them hands volume to competitors. Instead, lower the cost "
    "to serve or adjust the price: a surcharge for far pickups, batched pickups, drop-off points or self-service."
)''',
        ),
    ],
)

bind = TASK.bind
