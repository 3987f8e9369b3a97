"""BG/NBD (calibration check R16): the likelihood, the fit and the prediction."""
import math

import numpy as np
import pandas as pd
import pytest

from courier_sim import bgnbd

TRUE = bgnbd.Params(r=0.25, alpha=4.0, a=0.8, b=2.5)  # about the CDNOW shoppers' shape


@pytest.fixture(scope="module")
def drawn():
    return bgnbd.simulate(TRUE, 3000, calibration_weeks=39, holdout_weeks=39, rng=np.random.default_rng(3))


def test_summary_counts_repeat_weeks_recency_age_and_holdout():
    weeks = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2, 3, 3], "week": [2, 2, 5, 9, 7, 12, 14]})
    out = bgnbd.summary(weeks, calibration_end=10)
    # customer 1: born week 2, repeats in weeks 5 and 9 (week 2 twice counts once)
    assert out.loc[1].to_dict() == {"x": 2, "t_x": 7, "age": 8, "holdout": 0}
    assert out.loc[2].to_dict() == {"x": 0, "t_x": 0, "age": 3, "holdout": 0}
    assert 3 not in out.index  # first seen after the calibration period: not born yet


def test_a_customer_with_no_repeats_has_the_closed_form_likelihood():
    p = bgnbd.Params(0.5, 3.0, 1.2, 2.0)
    value = bgnbd.log_likelihood(p, np.array([0.0]), np.array([0.0]), np.array([10.0]))
    assert value == pytest.approx(0.5 * math.log(3.0 / 13.0))


def test_hypergeometric_series_matches_a_closed_form():
    z = np.array([0.0, 0.3, 0.7])
    assert bgnbd._hyp2f1(1.0, 1.0, 2.0, z)[1:] == pytest.approx(-np.log(1 - z[1:]) / z[1:])
    assert bgnbd._hyp2f1(1.0, 1.0, 2.0, z)[0] == 1.0


def test_fit_recovers_the_parameters_of_data_drawn_from_the_model(drawn):
    f = bgnbd.fit(drawn["x"], drawn["t_x"], drawn["age"])
    assert f.converged
    truth = bgnbd.log_likelihood(TRUE, *(drawn[k].to_numpy(float) for k in ("x", "t_x", "age")))
    assert f.log_likelihood >= truth  # the maximum is at least as likely as the truth
    p = f.params
    assert p.r == pytest.approx(TRUE.r, rel=0.25)
    assert p.r / p.alpha == pytest.approx(TRUE.r / TRUE.alpha, rel=0.25)  # mean weekly rate
    assert p.a / (p.a + p.b) == pytest.approx(TRUE.a / (TRUE.a + TRUE.b), rel=0.25)  # mean dropout


def test_holdout_prediction_is_close_in_total_and_ranks_customers(drawn):
    f = bgnbd.fit(drawn["x"], drawn["t_x"], drawn["age"])
    expected = bgnbd.expected_purchases(f.params, 39, drawn["x"], drawn["t_x"], drawn["age"])
    assert expected.sum() == pytest.approx(drawn["holdout"].sum(), rel=0.1)
    assert np.corrcoef(expected, drawn["holdout"])[0, 1] > 0.5


def test_a_long_silence_after_many_visits_means_fewer_expected_visits():
    p = bgnbd.Params(0.25, 4.0, 0.8, 2.5)
    recent, silent = bgnbd.expected_purchases(p, 26, [10, 10], [25.0, 5.0], [26.0, 26.0])
    assert silent < 0.5 * recent


def test_fit_says_what_is_wrong_with_impossible_data():
    with pytest.raises(ValueError, match="t_x <= T"):
        bgnbd.fit([1], [5.0], [3.0])
    with pytest.raises(ValueError, match="no customers"):
        bgnbd.fit([], [], [])
