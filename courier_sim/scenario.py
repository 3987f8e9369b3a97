"""A scenario: one frozen, validated description of a simulation run.

Think of it as the order form a branch manager signs before the year starts:
how many customers, what prices, how much sorting capacity, which levers are
pulled. Every field is declared once in ``PARAMS`` (name, range, default,
English and Chinese label); that one list drives validation here, the
widgets in ``courier_sim.widgets`` and the reference docs, so a lever cannot
exist without a range and a label.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
from datetime import date
from typing import Any, NamedTuple

from . import records


class ScenarioError(ValueError):
    """A scenario field is unknown or out of its allowed range."""


class Param(NamedTuple):
    name: str
    default: Any
    low: Any = None           # numbers: inclusive range
    high: Any = None
    choices: tuple = ()       # text: allowed values
    label: str = ""
    label_zh: str = ""
    group: str = "market"
    lever: bool = False       # shown as a what-if control in dashboards

    @property
    def kind(self) -> type:
        return type(self.default)

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind is date:
            return f"a date from {self.low} to {self.high} (YYYY-MM-DD)"
        return f"from {self.low} to {self.high}"


P = Param
PRESET_NAMES = (
    "baseline", "double11_no_extra_capacity", "double11_extra_capacity", "price_war", "hub_outage",
    "vip_care_plan", "electronics_mall_opening", "sales_push",
)
SHARE_FIELDS = tuple(f"share_{t}" for t in records.CUSTOMER_TYPES)
PARAMS: tuple[Param, ...] = (
    # calendar
    P("start", date(2024, 12, 1), date(2000, 1, 1), date(2034, 12, 31), label="Start date", label_zh="开始日期", group="calendar"),
    P("days", 365, 7, 1100, label="Days simulated", label_zh="模拟天数", group="calendar"),
    P("seed", 7, 0, 2**31 - 1, label="Random seed", label_zh="随机种子", group="calendar"),
    # market
    P("customers", 2000, 20, 100_000, label="Our customers on day 1", label_zh="期初客户数"),
    P("prospects", 1500, 0, 200_000, label="Non-customers in the market", label_zh="市场非客户数"),
    P("share_enterprise", 0.20, 0.0, 1.0, label="Share enterprise", label_zh="企业客户占比"),
    P("share_individual", 0.48, 0.0, 1.0, label="Share individual", label_zh="个人客户占比"),
    P("share_cbd", 0.10, 0.0, 1.0, label="Share CBD office", label_zh="CBD客户占比"),
    P("share_specialty", 0.14, 0.0, 1.0, label="Share specialty market", label_zh="专业市场客户占比"),
    P("share_ecommerce", 0.08, 0.0, 1.0, label="Share e-commerce seller", label_zh="电商客户占比"),
    # prices and service
    P("price_index", 1.0, 0.5, 2.0, label="Our price level", label_zh="价格指数", group="service", lever=True),
    P("capacity_ratio", 1.15, 0.5, 3.0, label="Sorting capacity ÷ normal daily volume", label_zh="网络处理能力系数", group="service", lever=True),
    P("peak_extra_capacity", 0.0, 0.0, 1.5, label="Extra capacity in the Double 11 season", label_zh="双十一临时增加运力", group="service", lever=True),
    P("service_quality", 1.0, 0.5, 2.0, label="Handling quality (divides loss and damage)", label_zh="操作质量系数", group="service", lever=True),
    P("service_staff", 3, 1, 100, label="Complaint handlers", label_zh="客服人员数", group="service", lever=True),
    P("response_target_hours", 24.0, 1.0, 168.0, label="Complaint response target (hours)", label_zh="投诉响应时限(小时)", group="retention", lever=True),
    P("compensation_policy", "standard", choices=("minimal", "standard", "generous"), label="Compensation policy", label_zh="赔偿政策", group="retention", lever=True),
    # competitor events
    P("price_war_competitor", "none", choices=("none",) + records.COMPETITORS, label="Competitor cutting prices", label_zh="发动价格战的竞争对手", group="competition", lever=True),
    P("price_war_segment", "individual", choices=records.CUSTOMER_TYPES, label="Segment targeted by the price war", label_zh="价格战目标客群", group="competition", lever=True),
    P("price_war_start_day", 120, 0, 1100, label="Price war starts on day", label_zh="价格战开始日", group="competition"),
    P("price_war_cut", 0.25, 0.0, 0.6, label="Competitor price cut", label_zh="竞争对手降价幅度", group="competition", lever=True),
    P("hub_outage_start_day", 200, 0, 1100, label="Hub outage starts on day", label_zh="转运中心故障开始日", group="competition"),
    P("hub_outage_days", 0, 0, 30, label="Hub outage length (days)", label_zh="转运中心故障天数", group="competition", lever=True),
    P("hub_outage_capacity", 0.35, 0.0, 1.0, label="Capacity left during the outage", label_zh="故障期间剩余处理能力", group="competition"),
    # customer development (客户开发)
    P("sales_reps", 3, 0, 50, label="Salespeople", label_zh="销售人员数", group="sales", lever=True),
    P("visits_per_rep_day", 3, 1, 8, label="Visits a salesperson makes per day", label_zh="每人每日拜访数", group="sales"),
    P("sales_method", "mix", choices=("mix",) + records.METHODS, label="Prospecting method", label_zh="寻找潜在客户的方法", group="sales", lever=True),
    P("referral_incentive", 100.0, 0.0, 1000.0, label="Referral reward per won customer (yuan)", label_zh="推荐成交奖励(元)", group="sales", lever=True),
    P("new_market", "none", choices=records.SPECIALTY_MARKETS, label="New specialty market opening", label_zh="新开业的专业市场", group="sales", lever=True),
    P("new_market_day", 100, 0, 1100, label="New market opens on day", label_zh="新市场开业日", group="sales"),
    P("new_market_size", 150, 10, 2000, label="Businesses in the new market", label_zh="新市场商户数", group="sales"),
    # service promotion (业务推介)
    P("pitch_rate", 0.05, 0.0, 0.5, label="Share of pickups with a service pitch", label_zh="揽收时推介比例", group="promotion", lever=True),
    P("pitch_targeting", "scripted", choices=("scripted", "needs_based"), label="How couriers choose what to pitch", label_zh="推介方式", group="promotion", lever=True),
    # retention levers (客户维护), applied to a random share of one tier
    P("care_plan", "none", choices=records.CARE_PLANS, label="Care plan for treated customers", label_zh="客户关怀计划", group="retention", lever=True),
    P("loyalty_discount", 0.0, 0.0, 0.3, label="Loyalty discount for treated customers", label_zh="忠诚客户折扣", group="retention", lever=True),
    P("target_tier", "all", choices=("all", "key_accounts") + records.VALUE_LEVELS, label="Retention levers apply to", label_zh="维护措施适用客户", group="retention", lever=True),
    P("treated_share", 1.0, 0.0, 1.0, label="Share of that tier treated at random (rest: control group)", label_zh="随机处理组比例(其余为对照组)", group="retention", lever=True),
    # customer information (客户信息)
    P("survey_waves", 4, 0, 12, label="Questionnaire waves per year", label_zh="每年问卷调查次数", group="information"),
    P("survey_sample", 0.3, 0.0, 1.0, label="Share of customers asked in each wave", label_zh="每次调查抽样比例", group="information"),
    # which preset the scenario came from (recorded in the events table)
    P("scenario_name", "custom", choices=PRESET_NAMES + ("custom",), label="Scenario name (preset)", label_zh="场景名称", group="calendar"),
)
# Customer-level levers: they reach the treated customers only; control and
# non-eligible customers keep these standard values (see ``target_tier``).
CUSTOMER_LEVERS = {"care_plan": "none", "loyalty_discount": 0.0,
                   "response_target_hours": 24.0, "compensation_policy": "standard"}
PARAM_BY_NAME = {p.name: p for p in PARAMS}


def _coerce(param: Param, value: Any) -> Any:
    """Turn a CLI/JSON value into the field's type, or raise ScenarioError."""
    kind = param.kind
    try:
        if kind is date and isinstance(value, str):
            return date.fromisoformat(value)
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind in (int, float) and isinstance(value, str):
            return kind(value)
    except ValueError:
        pass
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ScenarioError(f"{param.name}: {value!r} is not valid; allowed {param.allowed()}")
    return value


def _problems(values: dict) -> list[str]:
    problems = []
    for p in PARAMS:
        v = values[p.name]
        if p.choices and v not in p.choices:
            problems.append(f"{p.name}: {v!r} is not allowed; allowed {p.allowed()}")
        elif not p.choices and not (p.low <= v <= p.high):
            problems.append(f"{p.name}: {v!r} is out of range; allowed {p.allowed()}")
    total = sum(values[name] for name in SHARE_FIELDS)
    if abs(total - 1.0) > 1e-6:
        problems.append(f"share_*: the customer-type shares add up to {total:.3f}; they must add up to 1")
    return problems


def _post_init(self) -> None:
    values = {}
    for p in PARAMS:
        values[p.name] = _coerce(p, getattr(self, p.name))
        object.__setattr__(self, p.name, values[p.name])
    problems = _problems(values)
    if problems:
        raise ScenarioError("; ".join(problems))


def _replace(self, **changes) -> "Scenario":
    """A copy with some fields changed (validated like a new scenario)."""
    return make(**{**self.to_dict(), **changes})


def _to_dict(self) -> dict:
    return {p.name: getattr(self, p.name) for p in PARAMS}


def _to_json(self) -> str:
    return json.dumps(self.to_dict(), default=str, indent=2, sort_keys=False)


def _shares(self) -> dict[str, float]:
    return {t: getattr(self, f"share_{t}") for t in records.CUSTOMER_TYPES}


Scenario = dataclasses.make_dataclass(
    "Scenario",
    [(p.name, p.kind, dataclasses.field(default=p.default)) for p in PARAMS],
    frozen=True,
    namespace={
        "__post_init__": _post_init,
        "replace": _replace,
        "to_dict": _to_dict,
        "to_json": _to_json,
        "shares": property(_shares),
        "__doc__": "A validated, immutable simulation scenario; see ``PARAMS`` for the fields.",
    },
)
Scenario.__module__ = __name__
_dataclass_init = Scenario.__init__


def check_names(names, known=None) -> None:
    """Raise one ScenarioError naming every unknown field, with the closest known name."""
    known = PARAM_BY_NAME if known is None else known
    unknown = [k for k in names if k not in known]
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, known, n=1)
            hints.append(f"unknown field {k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ScenarioError("; ".join(hints) + f". Known fields: {', '.join(known)}")


def _init(self, **fields) -> None:
    """Keyword-only, and a typo in a field name raises instead of being ignored."""
    check_names(fields)
    _dataclass_init(self, **fields)


Scenario.__init__ = _init


def make(**fields) -> Scenario:
    """Build a scenario from keyword fields (same as ``Scenario(**fields)``)."""
    return Scenario(**fields)


def from_json(text: str) -> Scenario:
    return make(**json.loads(text))


class Preset(NamedTuple):
    description: str
    description_zh: str
    overrides: dict


def _preset(name: str, description: str, description_zh: str, **overrides) -> Preset:
    # the name travels with the scenario so the run can record it in its events table
    return Preset(description, description_zh, {"scenario_name": name, **overrides})


PRESETS: dict[str, Preset] = {
    "baseline": _preset(
        "baseline", "A normal year for a branch of about 2,000 customers.", "常规年度:约2000个客户的网点"),
    "double11_no_extra_capacity": _preset(
        "double11_no_extra_capacity", "The year's Double 11 peak met with normal sorting capacity only.",
        "双十一高峰:不增加临时运力", peak_extra_capacity=0.0),
    "double11_extra_capacity": _preset(
        "double11_extra_capacity", "Double 11 with 60 % extra capacity hired for the peak season.",
        "双十一高峰:旺季临时增加60%运力", peak_extra_capacity=0.6),
    "price_war": _preset(
        "price_war", "Sparrow cuts prices by 30 % for e-commerce sellers from day 120.",
        "价格战:麻雀快递从第120天起对电商客户降价30%", price_war_competitor="sparrow",
        price_war_segment="ecommerce", price_war_start_day=120, price_war_cut=0.3),
    "hub_outage": _preset(
        "hub_outage", "The sorting hub fails for 5 days from day 160 (35 % capacity left).",
        "转运中心故障:第160天起5天仅剩35%处理能力", hub_outage_days=5, hub_outage_start_day=160,
        hub_outage_capacity=0.35),
    "vip_care_plan": _preset(
        "vip_care_plan", "VIP care plan for a random half of the key accounts; the other half is the control group.",
        "大客户VIP关怀计划:随机一半大客户参加,另一半为对照组", care_plan="vip", target_tier="key_accounts",
        treated_share=0.5),
    "electronics_mall_opening": _preset(
        "electronics_mall_opening", "An electronics mall with 150 businesses opens on day 100; sales canvass it.",
        "电子产品市场开业:第100天新增150家商户,销售人员上门开发", new_market="electronics",
        new_market_day=100, new_market_size=150),
    "sales_push": _preset(
        "sales_push", "A sales push: eight salespeople instead of three.",
        "销售攻势:销售人员由3人增至8人", sales_reps=8),
}
assert tuple(PRESETS) == PRESET_NAMES

# Bilingual labels for the choice values of the fields above (for menus and legends).
CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "mix": ("Mix of methods", "多种方法组合"),
    "door_to_door": ("Door-to-door canvassing", "逐户寻访"),
    "referral": ("Customer referral", "客户引荐"),
    "halo": ("Halo / centre of influence", "光辉效应"),
    "direct_mail": ("Direct mail", "直接邮寄"),
    "telemarketing": ("Telemarketing", "电话营销"),
    "snowball": ("Snowball (chain referral)", "滚雪球"),
    "records_research": ("Records research", "资料查阅"),
    "market_consultation": ("Market consultation", "市场咨询"),
    "leather": ("Leather goods market", "皮革市场"),
    "fragile": ("Fragile goods market", "易碎品市场"),
    "electronics": ("Electronics market", "电子产品市场"),
    "industrial": ("Industrial products market", "工业品市场"),
    "scripted": ("Same script for everyone", "统一话术"),
    "needs_based": ("Matched to the customer's needs", "按需推介"),
    "care": ("Care plan", "关怀计划"),
    "vip": ("VIP service", "VIP服务"),
    "all": ("All customers", "全部客户"),
    "key_accounts": ("Key accounts", "大客户"),
    "high": ("High-end", "高端客户"),
    "mid": ("Mid", "中端客户"),
    "mass": ("Mass", "大众客户"),
    "custom": ("Custom", "自定义"),
    **{name: (name, PRESETS[name].description_zh.split(":")[0]) for name in PRESETS},
}


def preset(name: str = "baseline", **overrides) -> Scenario:
    """The named preset, with any field overridden (e.g. ``preset("baseline", seed=3)``)."""
    if name not in PRESETS:
        raise ScenarioError(f"preset: {name!r} is not a preset; allowed one of {', '.join(PRESETS)}")
    return make(**{**PRESETS[name].overrides, **overrides})


def changed_fields(scenario) -> dict:
    """Fields whose value differs from the spec's default (what the run's events list as levers)."""
    return {p.name: getattr(scenario, p.name) for p in PARAMS
            if getattr(scenario, p.name) != p.default and p.name != "scenario_name"}
