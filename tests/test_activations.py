"""Activations: values, slopes, saturation, and the in-place contract."""

import warnings

import numpy as np
import pytest

import mlp
from mlp.activation_functions import LEAKY_SLOPE

# Plain-numpy definitions, independent of the engine's in-place formulations.
REFERENCE = {
    "sigmoid": lambda n: 1 / (1 + np.exp(-n)),
    "tanh": np.tanh,
    "relu": lambda n: np.maximum(n, 0.0),
    "leaky_relu": lambda n: np.where(n > 0, n, LEAKY_SLOPE * n),
    "linear": lambda n: n,
}


def value(name, n):
    n = np.asarray(n, dtype=float)
    return mlp.ACTIVATIONS[name].value(n, np.empty_like(n))


def slope(name, n):
    n = np.asarray(n, dtype=float)
    return mlp.ACTIVATIONS[name].slope(n, value(name, n), np.empty_like(n))


def sample(seed=0):
    """A (40, 5) matrix in [-6, 6] with every entry at least 1e-3 from the relu kink at 0."""
    n = np.random.default_rng(seed).uniform(-6.0, 6.0, size=(40, 5))
    return np.where(np.abs(n) < 1e-3, 0.5, n)


def test_registry_names_match_their_keys():
    assert list(mlp.ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    assert all(f.name == name for name, f in mlp.ACTIVATIONS.items())


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_value_matches_reference(name):
    n = sample()
    np.testing.assert_allclose(value(name, n), REFERENCE[name](n), rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_slope_matches_finite_difference_of_value(name):
    n, h = sample(1), 1e-6
    numeric = (value(name, n + h) - value(name, n - h)) / (2 * h)
    np.testing.assert_allclose(slope(name, n), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_writes_into_out_and_returns_it(name):
    n = sample(2)
    f = mlp.ACTIVATIONS[name]
    out, slope_out = np.full_like(n, np.nan), np.full_like(n, np.nan)
    assert f.value(n, out) is out
    assert f.slope(n, out, slope_out) is slope_out
    assert np.isfinite(out).all() and np.isfinite(slope_out).all()


@pytest.mark.parametrize(
    ("name", "n", "a", "da"),
    [
        ("sigmoid", [0.0, np.log(3.0)], [0.5, 0.75], [0.25, 0.1875]),
        ("tanh", [0.0, np.log(2.0)], [0.0, 0.6], [1.0, 0.64]),
        ("relu", [-2.0, 3.0], [0.0, 3.0], [0.0, 1.0]),
        ("leaky_relu", [-2.0, 3.0], [-0.02, 3.0], [0.01, 1.0]),
        ("linear", [-2.0, 3.0], [-2.0, 3.0], [1.0, 1.0]),
    ],
)
def test_activation_hand_computed_values(name, n, a, da):
    np.testing.assert_allclose(value(name, n), a, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(slope(name, n), da, rtol=1e-15, atol=1e-16)


def test_sigmoid_saturates_to_its_limits():
    n = np.array([[-1e4, -800.0, -50.0, 50.0, 800.0, 1e4]])
    with np.errstate(over="ignore"):  # e^800 is inf, and 1 / (1 + inf) the limit 0 (the passes silence it)
        a = value("sigmoid", n)
        da = slope("sigmoid", n)
    # sigma(-50) = 1.9287498479639178e-22, to two units of the last place (relative, where the
    # tanh form gave exactly 0).
    np.testing.assert_allclose(a, [[0.0, 0.0, 1.9287498479639178e-22, 1.0, 1.0, 1.0]], rtol=3e-16, atol=0)
    np.testing.assert_allclose(da, [[0.0, 0.0, 1.9287498479639178e-22, 0.0, 0.0, 0.0]], rtol=3e-16, atol=0)


def test_sigmoid_is_the_learners_formula_bit_for_bit():
    n = np.linspace(-800.0, 800.0, 16001)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(value("sigmoid", n), REFERENCE["sigmoid"](n))


def test_saturated_sigmoids_are_silent_in_the_passes():
    # Weights of 1e4 push n^1 to -2e4 on an input of -1 (e^2e4 overflows): no warning, limits out.
    architecture = mlp.Architecture((1, 1))
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out = mlp.forward(architecture, [np.array([[0.0], [2e4]])], np.array([[-1.0], [1.0]]))
    np.testing.assert_array_equal(out, [[0.0], [1.0]])


def test_sigmoid_is_symmetric():
    n = sample(3)
    np.testing.assert_allclose(value("sigmoid", -n), 1.0 - value("sigmoid", n), rtol=0, atol=2e-16)


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_large_inputs_stay_finite(name):
    n = np.array([[-1e300, -1e4, 1e4, 1e300]])
    # Overflow only where it gives the limit (the sigmoid's e^-n); nothing invalid, no division by 0.
    with np.errstate(over="ignore", invalid="raise", divide="raise"):
        a, da = value(name, n), slope(name, n)
    assert np.isfinite(a).all() and np.isfinite(da).all()


@pytest.mark.parametrize("name", mlp.ACTIVATIONS)
def test_activation_emits_no_warning(name):
    # Includes numpy's DeprecationWarning: np.maximum(x, y, out) with a positional `out` is
    # deprecated since numpy 2.4 (and will become an error).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value(name, sample(4))
        slope(name, sample(4))
