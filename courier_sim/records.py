"""The output schema: every table the simulator writes, declared once.

Like a shipping manifest printed before the lorry is loaded: each table is a
``NamedTuple`` whose field names are its columns, in order, so a DataFrame is
one call away and a reader learns the whole data contract from this page.

Codes (the allowed values of each categorical column) live here too, so the
engine, the analysis helpers, the exercise checks and the docs share them.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np
import pandas as pd

# --- codes ------------------------------------------------------------------
CUSTOMER_TYPES = ("enterprise", "individual", "cbd", "specialty", "ecommerce")
SPECIALTY_MARKETS = ("none", "leather", "fragile", "electronics", "industrial")
DISTRICTS = ("business_park", "residential", "cbd_tower", "specialty_market", "industrial_zone")
VALUE_LEVELS = ("high", "mid", "mass")
COURIERS = ("us", "falcon", "sparrow", "none")  # falcon: premium brand; sparrow: low-price network
COMPETITORS = ("falcon", "sparrow")
CREDIT = ("good", "bad")
STAGES = ("incubation", "initial", "stable", "strategic")  # key-account relationship stages
CHANNELS = (
    "existing", "door_to_door", "referral", "halo", "direct_mail",
    "telemarketing", "snowball", "records_research", "market_consultation",
)
METHODS = CHANNELS[1:]  # the eight prospecting methods
PRODUCTS = ("standard", "express", "same_day", "economy", "international")
ROUTES = ("same_city", "inter_city", "international")
GOODS = ("documents", "general", "fragile", "leather", "electronics", "industrial")
SERVICES = ("insured", "cod", "waybill_printing", "sms_notify", "packaging", "scheduled_pickup")
OUTCOMES = ("on_time", "late", "lost", "damaged", "tracking_error", "billing_error")
CAUSES = ("late", "lost", "damaged", "tracking", "billing", "attitude")
CHURN_KINDS = ("own_reasons", "competitor", "dropped", "value_decline")
DIMENSIONS = ("price", "speed", "safety", "convenience", "value_added", "brand", "after_sales")
SALES_STAGES = ("lead", "qualified", "visited", "proposal", "won", "lost")
LEAD_RESULTS = ("won", "lost", "open")
LOST_REASONS = (
    "no_response",          # never answered the mail, call or visit
    "no_need",              # ships nothing: not a prospect (no need)
    "bad_credit",           # unpaid bills found in the records: not a prospect
    "loyal_to_competitor",  # happy with its courier, would not take a meeting
    "not_interested",       # met us, saw no reason to change
    "price",                # chose on price after the proposal
    "chose_competitor",     # the rival matched the offer or the decision-maker preferred it
    "no_follow_up",         # no salesperson free in time: the lead went cold
)
# What a courier can pitch at pickup: the value-added services plus two product upgrades.
OFFERS = SERVICES + ("express", "same_day")
CARE_PLANS = ("none", "care", "vip")
TREATMENTS = ("none", "control", "treated")
SEGMENTS = CUSTOMER_TYPES + ("all",)


# --- tables -------------------------------------------------------------------
class Customer(NamedTuple):
    """One customer or prospect of the market (``courier`` is who it uses at the end)."""
    customer_id: int
    customer_type: str
    specialty_market: str
    district: str
    value_level: str          # latent: hidden from students in exercises
    courier: str
    credit: str
    regular: bool             # ships on a fixed schedule (enterprise-like) or irregularly
    joined: datetime          # the day it became ours; NaT if never
    acquisition_channel: str  # "existing" for customers we had on day 1
    relationship_stage: str   # key accounts only; "incubation" otherwise
    churn_date: datetime      # the day it left us; NaT if it did not
    churn_kind: str           # NaN if it did not churn
    treatment: str            # randomised lever assignment: none / control / treated
    pickup_km: float
    item_value: float
    fragility: float
    satisfaction: float       # latent, on a -1 .. 1 scale, at the end of the run
    w_price: float
    w_speed: float
    w_safety: float
    w_convenience: float
    w_value_added: float
    w_brand: float
    exp_price: float
    exp_speed: float
    exp_safety: float
    exp_convenience: float
    exp_value_added: float
    exp_brand: float


class Shipment(NamedTuple):
    """One parcel we carried."""
    shipment_id: int
    customer_id: int
    created: datetime
    picked_up: datetime
    promised: datetime
    delivered: datetime       # NaT when lost
    product: str
    services: str             # comma-separated value-added services, "" for none
    route: str
    weight_kg: float
    declared_value: float
    goods: str
    price: float              # yuan, incl. service fees, after discounts
    cost: float               # yuan: pickup, handling, line haul, claims
    outcome: str


class Complaint(NamedTuple):
    """A complaint (投诉) a customer raised about one shipment, and how we handled it."""
    complaint_id: int
    shipment_id: int
    customer_id: int
    cause: str
    opened: datetime
    responded: datetime
    resolved: datetime
    compensation: float
    recovered: bool           # did the customer end up satisfied with the handling?


class Event(NamedTuple):
    """A scenario event: a competitor move, an outage, a campaign, a season."""
    event_id: int
    kind: str
    start: datetime
    end: datetime
    segment: str
    detail: str


class Daily(NamedTuple):
    """KPIs per day and segment (``segment == "all"`` is the whole branch)."""
    date: datetime
    segment: str
    parcels: int
    on_time_rate: float
    complaints: int
    revenue: float
    active_customers: int


class StageChange(NamedTuple):
    """A key account moving between relationship stages (大客户关系阶段)."""
    customer_id: int
    date: datetime
    from_stage: str
    to_stage: str


class Contact(NamedTuple):
    """A contact note: what an account manager heard from a customer (topic: complaint_follow_up, check_in, care_visit, competitor, price_inquiry, billing, business_change)."""
    contact_id: int
    customer_id: int
    date: datetime
    topic: str
    mentions_competitor: bool
    note: str


class Lead(NamedTuple):
    """One lead in the prospecting funnel (客户开发漏斗)."""
    lead_id: int
    customer_id: int
    method: str
    rep: int
    lead_date: datetime
    qualified: datetime
    visited: datetime
    proposal: datetime
    closed: datetime
    result: str               # won / lost / open
    lost_reason: str
    cost: float


class Pitch(NamedTuple):
    """A value-added service offered at pickup (业务推介) and the answer."""
    pitch_id: int
    customer_id: int
    date: datetime
    service: str
    accepted: bool
    annoyed: bool


class SurveyResponse(NamedTuple):
    """One questionnaire answer: expectation and perception of one dimension (Likert 1-5)."""
    response_id: int
    customer_id: int
    wave: int
    date: datetime
    dimension: str
    expectation: float        # NaN for non-response
    perception: float


class RetentionAction(NamedTuple):
    """Money spent keeping a customer: care plan, VIP service, discounts, recovery."""
    action_id: int
    customer_id: int
    date: datetime
    action: str
    cost: float


TABLES: dict[str, type] = {
    "customers": Customer,
    "shipments": Shipment,
    "complaints": Complaint,
    "events": Event,
    "daily": Daily,
    "stage_changes": StageChange,
    "contacts": Contact,
    "sales": Lead,
    "pitches": Pitch,
    "surveys": SurveyResponse,
    "retention_actions": RetentionAction,
}

CATEGORIES: dict[str, tuple[str, ...]] = {
    "customer_type": CUSTOMER_TYPES,
    "specialty_market": SPECIALTY_MARKETS,
    "district": DISTRICTS,
    "value_level": VALUE_LEVELS,
    "courier": COURIERS,
    "credit": CREDIT,
    "acquisition_channel": CHANNELS,
    "relationship_stage": STAGES,
    "from_stage": STAGES,
    "to_stage": STAGES,
    "churn_kind": CHURN_KINDS,
    "treatment": TREATMENTS,
    "product": PRODUCTS,
    "route": ROUTES,
    "goods": GOODS,
    "outcome": OUTCOMES,
    "cause": CAUSES,
    "segment": SEGMENTS,
    "method": METHODS,
    "result": LEAD_RESULTS,
    "lost_reason": LOST_REASONS,
    "service": OFFERS,
    "dimension": DIMENSIONS,
}

_TIME_COLUMNS = {
    name for table in TABLES.values() for name, kind in table.__annotations__.items()
    if kind == "datetime"
}


def frame(table: str, columns: dict) -> pd.DataFrame:
    """Build the DataFrame of ``table`` from column arrays, with the contract's dtypes.

    Columns come in as numpy arrays or lists; times as float days since the
    start are not accepted here (the engine converts them), only datetimes.
    """
    names = TABLES[table]._fields
    missing = [n for n in names if n not in columns]
    if missing:
        raise KeyError(f"table {table!r} is missing columns {missing}")
    df = pd.DataFrame({n: columns[n] for n in names})
    for name in names:
        if name in CATEGORIES and table != "events":
            df[name] = pd.Categorical(df[name], categories=CATEGORIES[name])
        elif name in _TIME_COLUMNS:
            df[name] = pd.to_datetime(df[name]).astype("datetime64[ns]")
    return df


def empty(table: str) -> pd.DataFrame:
    """The table with its columns and dtypes but no rows."""
    return frame(table, {n: np.array([], dtype=object) for n in TABLES[table]._fields})
