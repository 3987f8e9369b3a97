"""Questionnaires: Likert answers with bias and non-response, and what they tell about churn."""
import numpy as np
import pytest

from courier_sim import preset, records, simulate
from courier_sim.calibration import r13_satisfaction, r17_perception
from courier_sim.surveys import likert, perception_latent, response_probability, wave_days


@pytest.fixture(scope="module")
def surveys(year_result):
    return year_result.surveys


def test_answers_are_whole_scores_from_1_to_5(surveys):
    for col in ("expectation", "perception"):
        answered = surveys[col].dropna()
        assert len(answered) > 1000
        assert answered.between(1, 5).all() and (answered == answered.round()).all()
    assert set(surveys["dimension"]) == set(records.DIMENSIONS)


def test_one_row_per_sampled_customer_and_dimension(surveys, year_result):
    per = surveys.groupby(["wave", "customer_id"]).size()
    assert (per == len(records.DIMENSIONS)).all()
    assert sorted(surveys["wave"].unique()) == [1, 2, 3, 4]
    # the sample is a random share of the customers we had at the time
    first = surveys[surveys["wave"] == 1]["customer_id"].nunique()
    assert 0.2 * 2000 < first < 0.4 * 2000
    c = year_result.customers.set_index("customer_id")
    asked = surveys.groupby("customer_id")["date"].min()
    assert (c.loc[asked.index, "joined"] <= asked).all()


def test_non_response_is_nan_and_unhappy_customers_answer_less(surveys, year_result):
    silent = surveys.groupby(["wave", "customer_id"])["expectation"].apply(lambda x: x.isna().all())
    rate = 1 - silent.mean()
    assert 0.35 < rate < 0.85
    nonresp = surveys[surveys["expectation"].isna()]
    assert nonresp["perception"].isna().all()  # nothing from those who did not answer
    sat = year_result.customers.set_index("customer_id")["satisfaction"]
    answered = silent[~silent].index.get_level_values("customer_id")
    ignored = silent[silent].index.get_level_values("customer_id")
    assert sat.loc[answered].mean() > sat.loc[ignored].mean() + 0.03


def test_after_sales_is_the_lowest_rated_dimension_and_the_level_is_realistic(year_result):
    value, ok = r17_perception(year_result)
    assert ok, value


def test_survey_satisfaction_predicts_churn(year_result):
    value, ok = r13_satisfaction(year_result)
    assert ok, value


def test_perception_follows_the_experience():
    n = 3
    sat = np.full(n, 0.4)
    base = dict(satisfaction=sat, price_gap=np.zeros(n), on_time=np.array([0.95, 0.6, 0.95]),
                failures=np.array([0, 0, 2]), services=np.ones(n), care=np.zeros(n), km=np.full(n, 4.0),
                complaints_recovered=np.zeros(n), complaints_unrecovered=np.array([0, 0, 1]), w_price=np.full(n, 0.3))
    p = perception_latent(**base)
    dim = {d: i for i, d in enumerate(records.DIMENSIONS)}
    assert p[1, dim["speed"]] < p[0, dim["speed"]] - 0.5        # late parcels
    assert p[2, dim["safety"]] < p[0, dim["safety"]] - 0.5      # losses and damage
    assert p[2, dim["after_sales"]] < p[0, dim["after_sales"]] - 0.5  # a complaint handled badly
    assert (p[0, dim["after_sales"]] < p[0]).sum() == 0 or p[0, dim["after_sales"]] == p[0].min()
    dearer = perception_latent(**{**base, "price_gap": np.full(n, 0.3)})
    assert (dearer[:, dim["price"]] < p[:, dim["price"]]).all()


def test_likert_and_response_rules():
    assert list(likert(np.array([0.2, 2.6, 7.0]), np.zeros(3))) == [1, 3, 5]
    r = response_probability(np.array([-0.8, 0.0, 0.8]))
    assert r[0] < r[1] < r[2] and (r > 0).all() and (r < 1).all()
    assert wave_days(365, 4) == [45, 136, 228, 319]
    assert wave_days(365, 0) == [] and all(d < 100 for d in wave_days(100, 12))


def test_survey_settings_change_the_sample():
    none = simulate(preset("baseline", customers=120, prospects=0, days=60, seed=3, survey_waves=0))
    assert len(none.surveys) == 0
    many = simulate(preset("baseline", customers=120, prospects=0, days=60, seed=3, survey_waves=12, survey_sample=1.0))
    assert many.surveys["wave"].nunique() == 2
    first = many.surveys[many.surveys["wave"] == 1]
    assert first["customer_id"].nunique() >= 100


def test_contact_notes_carry_warning_signals(year_result):
    notes = year_result.contacts
    c = year_result.customers.set_index("customer_id")
    topics = set(notes["topic"])
    assert {"competitor", "check_in", "complaint_follow_up", "billing"} <= topics
    # leaving customers cite a competitor; bad payers get overdue reminders
    leaving = notes[notes["topic"] == "competitor"]
    assert leaving["mentions_competitor"].all()
    kinds = c.loc[leaving["customer_id"], "churn_kind"]
    assert kinds.isna().mean() < 0.2  # the rest were still in their leaving ramp when the year ended
    assert (kinds.dropna() == "competitor").all()
    billing = notes[notes["topic"] == "billing"]
    assert (c.loc[billing["customer_id"], "credit"] == "bad").all()
    follow = notes[notes["topic"] == "complaint_follow_up"]
    assert follow["note"].str.contains("still unhappy").any() and follow["note"].str.contains("satisfied").any()
    # a new owner or a new course: businesses only, mostly before they leave for their own reasons or shrink
    news = notes[notes["topic"] == "business_change"]
    assert len(news) >= 10 and not news["mentions_competitor"].any()
    assert (c.loc[news["customer_id"], "customer_type"] != "individual").all()
    assert news["note"].str.contains("new owner").any() and news["note"].str.contains("scaling down").any()
    kinds = c.loc[news["customer_id"], "churn_kind"]
    assert kinds.isin(["own_reasons", "value_decline"]).mean() > 0.4
    assert kinds.isna().any()  # some businesses change and stay: a warning, not a verdict
    left = news[kinds.notna().to_numpy()]
    assert (left["date"].to_numpy() < c.loc[left["customer_id"], "churn_date"].to_numpy()).all()
