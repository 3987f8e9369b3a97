"""Task 2 exercise set: customer development (快递客户开发).

The student's dataset is half a year of a small branch with a busy market
around it (300 customers, 600 non-customers), so the sales team works about
a thousand leads with all eight prospecting methods. Questions follow the
lesson ``notebooks/02_customer_development.ipynb``: the funnel by method,
cost per won customer, the three conditions of a prospect, the buying signal
of a proposal request, why leads are lost, acquisition against retention
cost, closing techniques, and a development plan the teacher reads.
"""
from __future__ import annotations

import pandas as pd

from .. import records
from .compare import Choice, Keywords, Number, SeriesMatch, TeacherGraded
from .questions import Question, Task

SCENARIO = {"preset": "baseline", "customers": 300, "prospects": 600, "days": 180}
MIN_WON = 3  # a method needs this many won customers before its cost per won customer means much


# --- expected answers (from the student's own dataset) ---------------------------------
def _conversion_by_method(data) -> pd.Series:
    s = data.sales
    return (s["result"] == "won").groupby(s["method"], observed=True).mean()


def _cost_per_won(data) -> float:
    s = data.sales
    return float(s["cost"].sum() / (s["result"] == "won").sum())


def _method_costs(data) -> pd.DataFrame:
    s = data.sales
    by = s.assign(won=s["result"] == "won").groupby("method", observed=True).agg(cost=("cost", "sum"), won=("won", "sum"))
    return by[by["won"] >= MIN_WON]


def _cheapest_method(data) -> str:
    by = _method_costs(data)
    return str((by["cost"] / by["won"]).idxmin())


def _n_prospects(data) -> int:
    c = data.customers
    market = c[c["acquisition_channel"] != "existing"]
    return int(((market["courier"] != "none") & (market["credit"] == "good")).sum())


def _win_after_proposal(data) -> float:
    s = data.sales
    asked = s[(s["result"] != "open") & s["proposal"].notna()]
    return float((asked["result"] == "won").mean())


def _top_lost_reason(data) -> str:
    s = data.sales
    lost = s[(s["result"] == "lost") & s["visited"].notna()]
    return str(lost["lost_reason"].value_counts().idxmax())


def _acquisition_vs_retention(data) -> float:
    s, c = data.sales, data.customers
    per_won = s["cost"].sum() / (s["result"] == "won").sum()
    kept = (c["joined"].notna() & c["churn_date"].isna()).sum()
    per_kept = data.retention_actions["cost"].sum() / kept
    return float(per_won / per_kept)


CLOSING_OPTIONS = ("A", "B", "C", "D")

TASK = Task(
    "task2", "Customer development", title_zh="快递客户开发",
    scenario=SCENARIO,
    questions=[
        Question(
            "q1", title="Conversion by prospecting method", title_zh="各开发方法的转化率", points=2,
            var="conversion_by_method",
            text="Each row of `sales` (`data.sales`) is one lead (线索) with the prospecting method (寻找潜在客户的方法) "
                 "that found it and its `result` (won / lost / open). For each `method`, what share of its leads "
                 "was won (转化率 = won ÷ all leads of the method)? Give a Series indexed by method.",
            expected=_conversion_by_method, kind=SeriesMatch(abs=1e-4, share=True),
            hints=("`sales['result'] == 'won'` is True for a won lead; the mean of True/False values is a share.",
                   "Group that by method: `(sales['result'] == 'won').groupby(sales['method'], observed=True).mean()`."),
            solution="""\
conversion_by_method = (sales['result'] == 'won').groupby(sales['method'], observed=True).mean()""",
        ),
        Question(
            "q2", title="Cost per won customer", title_zh="每个成交客户的开发成本", points=1, var="cost_per_won",
            text="What did one new customer cost the branch on average: the total `cost` of all leads (yuan) "
                 "divided by the number of leads won?",
            expected=_cost_per_won, kind=Number(rel=1e-4, abs=0.01, unit="yuan"),
            hints=("Lost leads cost money too: add up `cost` over every lead, not only the won ones.",
                   "`sales['cost'].sum() / (sales['result'] == 'won').sum()`"),
            solution="cost_per_won = sales['cost'].sum() / (sales['result'] == 'won').sum()",
        ),
        Question(
            "q3", title="The cheapest method per won customer", title_zh="成交成本最低的方法", points=2,
            var="cheapest_method",
            text=f"Among the methods that won at least {MIN_WON} customers, which one has the lowest cost per "
                 "won customer (its leads' total cost ÷ its won leads)? Give the method's code, e.g. "
                 "`'door_to_door'`.",
            expected=_cheapest_method, kind=Choice(options=records.METHODS),
            hints=("Group by method and compute two columns: the sum of `cost` and the number of won leads.",
                   f"Keep the methods with at least {MIN_WON} won, divide cost by won, and take `.idxmin()`."),
            solution=f"""\
by_method = sales.assign(won=sales['result'] == 'won').groupby('method', observed=True).agg(
    cost=('cost', 'sum'), won=('won', 'sum'))
by_method = by_method[by_method['won'] >= {MIN_WON}]
cheapest_method = (by_method['cost'] / by_method['won']).idxmin()""",
        ),
        Question(
            "q4", title="How many prospects?", title_zh="潜在客户数", points=1, var="n_prospects",
            text="A prospect (潜在客户) meets three conditions. In `customers`, take the market members "
                 "who were **not our customers on day 1** (`acquisition_channel != 'existing'`). How many of them "
                 "**have a need** for courier service (their `courier` is not `'none'`) **and good credit** "
                 "(`credit == 'good'`)?",
            expected=_n_prospects, kind=Number(rel=0, abs=0.5),
            hints=("First filter the rows not ours on day 1, then combine the other two conditions with `&`.",
                   "`((market['courier'] != 'none') & (market['credit'] == 'good')).sum()`"),
            solution="""\
market = customers[customers['acquisition_channel'] != 'existing']
n_prospects = ((market['courier'] != 'none') & (market['credit'] == 'good')).sum()""",
        ),
        Question(
            "q5", title="A proposal request is a buying signal", title_zh="购买信号", points=1,
            var="win_after_proposal",
            text="Among the leads that are closed (`result` is not `'open'`) and reached the proposal stage "
                 "(`proposal` is not missing), what share (0 to 1) was won? Compare it in your head with the "
                 "conversion of all leads (Q1).",
            expected=_win_after_proposal, kind=Number(abs=1e-4, share=True),
            hints=("Filter with two conditions: `(sales['result'] != 'open') & sales['proposal'].notna()`.",
                   "Then take the mean of `result == 'won'` over those rows."),
            solution="""\
asked = sales[(sales['result'] != 'open') & sales['proposal'].notna()]
win_after_proposal = (asked['result'] == 'won').mean()""",
        ),
        Question(
            "q6", title="Why visited leads are lost", title_zh="拜访后的流失原因", points=1,
            var="top_lost_reason",
            text="A salesperson visited these prospects and still lost them. Among lost leads that were visited "
                 "(`visited` is not missing), which `lost_reason` is the most common? Give its code.",
            expected=_top_lost_reason, kind=Choice(options=records.LOST_REASONS),
            hints=("Filter `result == 'lost'` and `visited.notna()`, then count the reasons with `value_counts()`.",
                   "`.value_counts().idxmax()` gives the most common one."),
            solution="""\
lost = sales[(sales['result'] == 'lost') & sales['visited'].notna()]
top_lost_reason = lost['lost_reason'].value_counts().idxmax()""",
        ),
        Question(
            "q7", title="Acquisition against retention cost", title_zh="开发成本与维护成本", points=2,
            var="acquisition_vs_retention",
            text="The courseware says winning a customer costs about four times what keeping one costs. Check it "
                 "on your branch: divide the cost per won customer (Q2) by the retention cost per kept customer — "
                 "the total `cost` in `data.retention_actions` divided by the number of customers who were ever "
                 "ours and did not churn (`joined` not missing and `churn_date` missing). (Your data covers half a "
                 "year: a full year's retention spending would be about twice as much.)",
            expected=_acquisition_vs_retention, kind=Number(rel=1e-3, abs=1e-3),
            hints=("Kept customers: `(customers['joined'].notna() & customers['churn_date'].isna()).sum()`.",
                   "Retention cost per kept customer = `data.retention_actions['cost'].sum() / kept` "
                   "(the same as `analysis.retention_cost_per_kept(data.retention_actions, customers)`); "
                   "then `cost_per_won / that`."),
            solution="""\
kept = (customers['joined'].notna() & customers['churn_date'].isna()).sum()
per_kept = data.retention_actions['cost'].sum() / kept
acquisition_vs_retention = cost_per_won / per_kept""",
        ),
        Question(
            "q8", title="Closing the deal", title_zh="促成成交", points=1, var="closing_choice",
            text="During a visit the office manager of a CBD firm asks how claims are paid and whether pickups "
                 "could start next Monday at 3 pm. What should the salesperson do? Answer with one letter.\n\n"
                 "- **A** Leave a brochure and promise to call again next month.\n"
                 "- **B** Recognise the buying signal (购买信号) and close: *\"Shall we start on Monday at 3 pm, "
                 "or is 4 pm better for your dispatch?\"* (assumptive close, 假定促成交易法).\n"
                 "- **C** Offer a 30 % discount at once so the customer cannot say no.\n"
                 "- **D** Explain every product in the catalogue before talking about pickups.",
            expected=lambda data: "B", kind=Choice(options=CLOSING_OPTIONS),
            hints=("Questions about claims and a start date mean the customer is already imagining working with you.",),
            solution='closing_choice = "B"',
        ),
        Question(
            "q9", title="The three conditions of a prospect", title_zh="潜在客户的三个条件", points=1,
            var="prospect_conditions",
            text="In one or two sentences, name the three conditions a business must meet to be a prospect "
                 "(潜在客户). English or Chinese.",
            kind=Keywords([("not yet", "not using", "does not use", "doesn't use", "not already", "not our",
                            "not a customer", "new to us", "尚未", "未使用", "没有使用", "不是我们", "非本公司"),
                           ("need", "需求", "需要"),
                           ("credit", "pay", "信用", "付款", "欠款")]),
            hints=("One condition is about us, one about the business's shipping, one about money.",),
            solution='prospect_conditions = "It does not use our service yet, it has a need for courier '
                     'service, and it has good payment credit (no unpaid bills with other couriers)."',
        ),
        Question(
            "q10", title="Your development plan", title_zh="客户开发方案", points=3, var="development_plan",
            text="An electronics mall with 150 small businesses opens next month on your patch. Write a short "
                 "development plan (客户开发方案): which two prospecting methods you would use and why (quote "
                 "your conversion and cost numbers), how you would find the key people (关键人物) and screen "
                 "credit, the need behind the need (深层需求) you would address, and how many customers you "
                 "expect to win with your sales team.",
            kind=TeacherGraded(min_chars=200),
            hints=("Door-to-door and market consultation both suit a specialty market; check their numbers in Q1 and Q3.",
                   "Electronics traders need safety and tight time limits: their prices move fast."),
            solution="""\
development_plan = (
    "Methods: door-to-door canvassing (逐户寻访) through the mall in the first weeks, and market consultation "
    "(市场咨询) with the mall's management office, which converted ... % at ... yuan per won customer in my data. "
    "Key people: the mall manager and each shop's owner or bookkeeper; I would check each shop's payment "
    "record before the visit. Need behind the need: electronics lose value fast, so they need safe, fast "
    "delivery - I would lead with insured express service. With three salespeople and about ... % conversion "
    "I expect to win about ... shops in two months."
)""",
        ),
    ],
)

bind = TASK.bind
