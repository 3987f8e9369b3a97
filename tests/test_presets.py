"""Classroom presets: each runs, is recorded in the events table and moves its KPI the intended way.

Every preset is compared with the baseline year under the same seed (the
session's ``year_result`` is that baseline run), by a margin a student can
see on a chart.
"""
import numpy as np
import pandas as pd
import pytest

from courier_sim import PRESETS, ScenarioError, cli, preset, records, simulate
from courier_sim.levers import assign
from courier_sim.population import NEW_MARKET_ID_OFFSET, PROSPECT_ID_OFFSET
from courier_sim.scenario import CHOICE_LABELS, PARAM_BY_NAME, PARAMS, Scenario

from test_engine import check_invariants

EXPECTED = {"baseline", "double11_no_extra_capacity", "double11_extra_capacity", "price_war", "hub_outage",
            "vip_care_plan", "electronics_mall_opening", "sales_push"}


@pytest.fixture(scope="module")
def runs(year_result):
    out = {"baseline": year_result}
    for name in PRESETS:
        if name != "baseline":
            out[name] = simulate(preset(name))
    return out


def day0(r):
    return pd.Timestamp(r.scenario.start)


def test_the_classroom_presets_exist_with_bilingual_descriptions():
    assert EXPECTED <= set(PRESETS)
    for name, p in PRESETS.items():
        assert p.description and p.description_zh, name
        assert "\n" not in p.description
        assert preset(name).scenario_name == name


def test_presets_are_listed_by_the_cli(capsys):
    assert cli.main(["presets"]) == 0
    out = capsys.readouterr().out
    for name, p in PRESETS.items():
        assert name in out and p.description in out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_preset_runs_from_the_cli_and_writes_every_table(tmp_path, name):
    out = tmp_path / name
    assert cli.main(["simulate", "--preset", name, "--out", str(out), "--customers", "150", "--days", "60",
                     "--seed", "3", "--set", "survey_waves=12", "--set", "prospects=150"]) == 0
    for table in records.TABLES:
        df = pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig")
        assert list(df.columns) == list(records.TABLES[table]._fields), table
    for table in ("sales", "pitches", "surveys", "events", "retention_actions"):
        assert len(pd.read_csv(out / f"{table}.csv", encoding="utf-8-sig")) > 0, table


def test_full_preset_runs_keep_the_invariants_and_fill_every_table(runs):
    for name, r in runs.items():
        check_invariants(r)
        for table in ("sales", "pitches", "surveys", "contacts", "retention_actions"):
            assert len(r.tables[table]) > 0, (name, table)


def test_each_preset_is_recorded_in_the_events_table(runs):
    kinds = {name: set(r.events["kind"]) for name, r in runs.items()}
    for name, r in runs.items():
        row = r.events[r.events["kind"] == "scenario"]
        assert len(row) == 1 and row["detail"].iloc[0].startswith(name + ":"), name
    assert "extra_capacity" in kinds["double11_extra_capacity"]
    assert "extra_capacity" not in kinds["double11_no_extra_capacity"]
    assert "price_war" in kinds["price_war"] and "hub_outage" in kinds["hub_outage"]
    assert "experiment" in kinds["vip_care_plan"]
    assert "market_opening" in kinds["electronics_mall_opening"]
    levers = runs["sales_push"].events.query("kind == 'lever'")["detail"]
    assert levers.str.contains("sales_reps = 8").any()
    war = runs["price_war"].events.query("kind == 'price_war'").iloc[0]
    assert war["segment"] == "ecommerce" and war["start"] == day0(runs["price_war"]) + pd.Timedelta(days=120)


def _peak_week_on_time(r) -> float:
    s = r.shipments
    day = s["created"].dt.floor("D")
    week = s[(day.dt.month == 11) & day.dt.day.between(8, 14)]
    return float((week["outcome"] == "on_time").mean())


def test_double11_without_extra_capacity_is_late_more_often_in_the_peak_week(runs):
    without = _peak_week_on_time(runs["double11_no_extra_capacity"])
    with_extra = _peak_week_on_time(runs["double11_extra_capacity"])
    assert with_extra >= without + 0.06, (without, with_extra)


def _lost_to(r, segment, rival, from_day):
    c = r.customers
    since = day0(r) + pd.Timedelta(days=from_day)
    return int(((c["customer_type"] == segment) & (c["churn_date"] >= since) & (c["courier"] == rival)).sum())


def test_price_war_drives_the_targeted_segment_to_that_competitor(runs):
    base = _lost_to(runs["baseline"], "ecommerce", "sparrow", 120)
    war = _lost_to(runs["price_war"], "ecommerce", "sparrow", 120)
    assert war >= 1.5 * base and war >= base + 8, (base, war)
    # other segments are not targeted: their losses to sparrow barely move
    other = [_lost_to(runs[n], "individual", "sparrow", 120) for n in ("baseline", "price_war")]
    assert abs(other[1] - other[0]) <= max(10, 0.3 * other[0]), other
    # warning signal: customers of the segment cite the rival's offer in contact notes
    notes = runs["price_war"].contacts
    assert (notes["topic"] == "price_inquiry").sum() > 10 and notes.loc[notes["topic"] == "price_inquiry", "mentions_competitor"].all()


def _window(r, first, last):
    d = r.daily[r.daily["segment"] == "all"].set_index("date")
    rows = d.loc[day0(r) + pd.Timedelta(days=first): day0(r) + pd.Timedelta(days=last)]
    return float(rows["on_time_rate"].mean()), int(rows["complaints"].sum())


def test_hub_outage_spikes_late_parcels_and_complaints_then_settles(runs):
    base, hit = runs["baseline"], runs["hub_outage"]
    start, days = hit.scenario.hub_outage_start_day, hit.scenario.hub_outage_days
    on_base, _ = _window(base, start, start + days - 1)
    on_hit, _ = _window(hit, start, start + days - 1)
    assert on_hit < on_base - 0.3, (on_base, on_hit)
    _, comp_base = _window(base, start, start + days + 7)   # complaints follow the late parcels by a few days
    _, comp_hit = _window(hit, start, start + days + 7)
    assert comp_hit >= 2.5 * comp_base, (comp_base, comp_hit)
    on_base, comp_base = _window(base, start + 30, start + 60)
    on_hit, comp_hit = _window(hit, start + 30, start + 60)
    assert abs(on_hit - on_base) < 0.02 and abs(comp_hit - comp_base) <= 0.3 * comp_base + 5


def test_vip_care_plan_treated_customers_churn_less_than_their_control_group(runs):
    c = runs["vip_care_plan"].customers
    eligible = c[c["treatment"] != "none"]
    rate = eligible.groupby("treatment", observed=True)["churn_date"].apply(lambda s: s.notna().mean())
    assert rate["treated"] < rate["control"] - 0.015, rate.to_dict()
    # what the plan prevents is poaching: losses to competitors fall by more than half
    lured = eligible.groupby("treatment", observed=True)["churn_kind"].apply(lambda s: (s == "competitor").mean())
    assert lured["treated"] <= 0.5 * lured["control"] and lured["control"] - lured["treated"] >= 0.015, lured.to_dict()
    # the plan has a price: monthly VIP service costs are recorded per treated customer
    actions = runs["vip_care_plan"].retention_actions
    vip = actions[actions["action"] == "vip_service"]
    assert len(vip) > 0 and set(vip["customer_id"]) <= set(eligible.loc[eligible["treatment"] == "treated", "customer_id"])


def test_treatment_is_a_fair_coin_among_eligible_customers_only(runs):
    c = runs["vip_care_plan"].customers
    ours = c[c["joined"].notna()]
    key = ours["customer_type"].isin(["enterprise", "cbd", "specialty", "ecommerce"]) & (ours["value_level"] != "mass")
    assert (ours.loc[~key, "treatment"] == "none").all()
    assert set(ours.loc[key, "treatment"]) == {"treated", "control"}
    share = (ours.loc[key, "treatment"] == "treated").mean()
    assert abs(share - 0.5) < 3 * np.sqrt(0.25 / key.sum())
    # randomised: the two groups look alike before the plan starts
    groups = ours[key & (ours["acquisition_channel"] == "existing")].groupby("treatment", observed=True)
    assert abs(groups["item_value"].median().diff().iloc[-1]) < 0.3 * groups["item_value"].median().mean()
    # prospects never won are not in the experiment; the baseline has no experiment at all
    assert (c.loc[c["joined"].isna(), "treatment"] == "none").all()
    assert (runs["baseline"].customers["treatment"] == "none").all()


def test_treatment_depends_only_on_the_customer_id():
    sc = preset("vip_care_plan")
    ids = np.arange(1, 401)
    level = np.zeros(400, dtype=np.int64)
    key = np.ones(400, bool)
    first = assign(sc, ids, level, key)
    again = assign(sc, np.concatenate([ids, [401, 402]]), np.zeros(402, dtype=np.int64), np.ones(402, bool))
    assert (first == again[:400]).all()
    assert (assign(sc.replace(treated_share=1.0), ids, level, key) == 2).all()
    assert (assign(sc.replace(care_plan="none"), ids, level, key) == 0).all()  # nothing pulled: no experiment


def test_sales_push_wins_more_customers_at_a_higher_total_cost(runs):
    def totals(r):
        s = r.sales
        return int((s["result"] == "won").sum()), float(s["cost"].sum())
    won_base, cost_base = totals(runs["baseline"])
    won_push, cost_push = totals(runs["sales_push"])
    assert won_push >= won_base + 40 and cost_push >= 1.2 * cost_base, (won_base, won_push, cost_base, cost_push)


def test_electronics_mall_brings_new_specialty_customers_of_that_market(runs):
    def new_electronics(r):
        c = r.customers
        won = c[c["joined"].notna() & (c["acquisition_channel"] != "existing")]
        return won[(won["customer_type"] == "specialty") & (won["specialty_market"] == "electronics")]
    base, mall = new_electronics(runs["baseline"]), new_electronics(runs["electronics_mall_opening"])
    assert len(mall) >= len(base) + 20, (len(base), len(mall))
    tenants = mall[mall["customer_id"] > NEW_MARKET_ID_OFFSET]
    opening = day0(runs["electronics_mall_opening"]) + pd.Timedelta(days=100)
    assert len(tenants) >= 20 and (tenants["joined"] > opening).all()
    assert (runs["baseline"].customers["customer_id"] < NEW_MARKET_ID_OFFSET).all()


@pytest.mark.parametrize("field, value, words", [
    ("sales_reps", -1, ["sales_reps", "from 0 to 50"]),
    ("sales_method", "cold_calling", ["sales_method", "door_to_door", "market_consultation"]),
    ("care_plan", "gold", ["care_plan", "none, care, vip"]),
    ("target_tier", "vip", ["target_tier", "key_accounts"]),
    ("treated_share", 1.5, ["treated_share", "from 0.0 to 1.0"]),
    ("loyalty_discount", 0.5, ["loyalty_discount", "from 0.0 to 0.3"]),
    ("new_market", "toys", ["new_market", "electronics"]),
    ("pitch_targeting", "random", ["pitch_targeting", "scripted, needs_based"]),
    ("visits_per_rep_day", 0, ["visits_per_rep_day", "from 1 to 8"]),
    ("scenario_name", "my_run", ["scenario_name", "custom"]),
])
def test_bad_lever_values_name_the_field_and_what_is_allowed(field, value, words):
    with pytest.raises(ScenarioError) as err:
        Scenario(**{field: value})
    for word in words:
        assert word in str(err.value)


def test_every_choice_of_the_new_fields_has_a_bilingual_label():
    new = {"sales_method", "new_market", "pitch_targeting", "care_plan", "target_tier", "scenario_name"}
    for p in PARAMS:
        if p.name in new:
            for choice in p.choices:
                if choice != "none":
                    assert choice in CHOICE_LABELS, (p.name, choice)


def test_prospect_ids_leave_room_for_a_new_market():
    assert NEW_MARKET_ID_OFFSET >= PROSPECT_ID_OFFSET + PARAM_BY_NAME["prospects"].high
