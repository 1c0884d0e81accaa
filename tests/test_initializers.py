"""Initializers: shapes, the formulas for their spread, seeds and symmetry-breaking noise."""

import numpy as np
import pytest

import mlp

# A large draw for the statistics: (1 + 400) x 500 = 200,500 weights. The relative standard
# error of a sample std is 1 / sqrt(2 N) = 0.16 %, so a 1 % tolerance is over 6 standard errors.
FAN_IN, FAN_OUT = 400, 500
STD_RTOL = 0.01


def draw(name, scale, fan_in=FAN_IN, fan_out=FAN_OUT, seed=0):
    return mlp.INITIALIZERS[name](np.random.default_rng(seed), fan_in, fan_out, scale)


def test_registry_lists_the_documented_names():
    assert list(mlp.INITIALIZERS) == ["constant", "uniform", "normal", "xavier", "he"]


@pytest.mark.parametrize("name", mlp.INITIALIZERS)
@pytest.mark.parametrize(("fan_in", "fan_out"), [(1, 1), (2, 3), (5, 1)])
def test_initializer_shape_is_one_plus_fan_in_by_fan_out(name, fan_in, fan_out):
    W = draw(name, 0.7, fan_in, fan_out)
    assert W.shape == (1 + fan_in, fan_out) and W.dtype == np.float64
    assert np.isfinite(W).all()


@pytest.mark.parametrize("scale", [1.0, -2.5, 0.0, 1e-300])
def test_constant_is_exact(scale):
    np.testing.assert_array_equal(draw("constant", scale, 3, 2), np.full((4, 2), scale))


def test_uniform_within_half_width():
    W = draw("uniform", 0.3)
    assert np.all(np.abs(W) <= 0.3)
    assert np.max(np.abs(W)) > 0.3 * 0.999  # the draw fills the interval
    np.testing.assert_allclose(np.std(W), 0.3 / np.sqrt(3), rtol=STD_RTOL)
    np.testing.assert_allclose(np.mean(W), 0.0, atol=0.005)


@pytest.mark.parametrize(
    ("name", "scale", "std"),
    [
        ("normal", 0.5, 0.5),
        ("xavier", 1.0, np.sqrt(2.0 / (FAN_IN + FAN_OUT))),  # U(-r, r), r = sqrt(6/(in+out)): std r/sqrt(3)
        ("xavier", 2.0, 2.0 * np.sqrt(2.0 / (FAN_IN + FAN_OUT))),
        ("he", 1.0, np.sqrt(2.0 / FAN_IN)),
        ("he", 3.0, 3.0 * np.sqrt(2.0 / FAN_IN)),
    ],
)
def test_random_initializer_std_follows_formula(name, scale, std):
    W = draw(name, scale)
    np.testing.assert_allclose(np.std(W), std, rtol=STD_RTOL)
    np.testing.assert_allclose(np.mean(W), 0.0, atol=0.05 * std)


def test_xavier_within_its_limit():
    W = draw("xavier", 1.5)
    assert np.max(np.abs(W)) <= 1.5 * np.sqrt(6.0 / (FAN_IN + FAN_OUT))


@pytest.mark.parametrize("name", mlp.INITIALIZERS)
def test_initial_weights_same_seed_identical(name):
    first = mlp.initial_weights((2, 3, 3, 2), name, 0.8, 0.1, 42)
    second = mlp.initial_weights((2, 3, 3, 2), name, 0.8, 0.1, 42)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert [W.shape for W in first] == [(3, 3), (4, 3), (4, 2)]


@pytest.mark.parametrize("name", ["uniform", "normal", "xavier", "he"])
def test_initial_weights_other_seed_differs(name):
    first = mlp.initial_weights((2, 3, 3, 2), name, 0.8, 0.0, 1)
    second = mlp.initial_weights((2, 3, 3, 2), name, 0.8, 0.0, 2)
    assert all(np.all(a != b) for a, b in zip(first, second))


def test_initial_weights_without_noise_is_the_question_start():
    for W in mlp.initial_weights((2, 3, 3, 2), "constant", 1.0, 0.0, 7):
        np.testing.assert_array_equal(W, np.ones_like(W))


@pytest.mark.parametrize("name", mlp.INITIALIZERS)
def test_initial_weights_noise_changes_every_weight(name):
    plain = mlp.initial_weights((2, 3, 3, 2), name, 1.0, 0.0, 5)
    noisy = mlp.initial_weights((2, 3, 3, 2), name, 1.0, 0.01, 5)
    for W, V in zip(plain, noisy):
        assert np.all(W != V)
    if name == "constant":  # noise std 0.01 around 1: every weight moved, none far
        all_noise = np.concatenate([(V - 1.0).ravel() for V in noisy])
        np.testing.assert_allclose(np.std(all_noise), 0.01, rtol=0.5)


@pytest.mark.parametrize("name", ["uniform", "normal", "xavier", "he"])
@pytest.mark.parametrize("scale", [0.5, 2.0, 1e-300])
def test_negative_scale_draws_what_its_absolute_value_draws(name, scale):
    # N(0, s^2) = N(0, (-s)^2) and U(-s, s) = U(s, -s): the same generator gives the same weights.
    np.testing.assert_array_equal(draw(name, -scale, 3, 2, seed=4), draw(name, scale, 3, 2, seed=4))


def test_negative_scale_of_normal_has_the_absolute_std():
    np.testing.assert_allclose(np.std(draw("normal", -0.5)), 0.5, rtol=STD_RTOL)


def test_every_initializer_says_what_its_scale_is():
    meanings = {name: init.scale for name, init in mlp.INITIALIZERS.items()}
    assert meanings == {
        "constant": "Value of every weight",
        "uniform": "Half-width a of U(-a, a)",
        "normal": "Standard deviation",
        "xavier": "Gain",
        "he": "Gain",
    }
