"""Costs: hand-computed values, gradients, and cross-entropy at saturated outputs.

The engine's arrays carry a run axis first: one run here is ``[None]``, its cost ``[0]``."""

import warnings

import numpy as np
import pytest

import mlp

# A hand example: logits n, outputs a = sigma(n), targets y.
N = np.array([[0.0, np.log(3.0)], [np.log(1.0 / 3.0), 0.0]])
A = np.array([[0.5, 0.75], [0.25, 0.5]])
Y = np.array([[1.0, 0.0], [0.0, 1.0]])
# sse = 0.25 + 0.5625 + 0.0625 + 0.25 = 1.125 ; mse = 1.125 / 4
# cross_entropy = -(log 0.5 + log 0.25 + log 0.75 + log 0.5) / 4
HAND = {
    "sse": 1.125,
    "mse": 0.28125,
    "cross_entropy": -(np.log(0.5) + np.log(0.25) + np.log(0.75) + np.log(0.5)) / 4,
}
HAND_GRADIENT = {  # dC/da
    "sse": 2 * (A - Y),
    "mse": 2 * (A - Y) / 4,
    "cross_entropy": (A - Y) / (A * (1 - A)) / 4,
}


def reference_cost(name, a, y):
    """The costs written in ``a``, as the DESIGN defines them."""
    if name == "sse":
        return np.sum((a - y) ** 2)
    if name == "mse":
        return np.mean((a - y) ** 2)
    return -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))


def logit(a):
    return np.log(a / (1 - a))


def test_registry_names_match_their_keys():
    assert list(mlp.LOSSES) == ["sse", "mse", "cross_entropy"]
    assert all(loss.name == name for name, loss in mlp.LOSSES.items())
    assert [name for name, loss in mlp.LOSSES.items() if loss.needs_sigmoid_output] == ["cross_entropy"]


@pytest.mark.parametrize("name", mlp.LOSSES)
def test_loss_hand_computed_value(name):
    np.testing.assert_allclose(mlp.LOSSES[name].value(N[None], A[None], Y[None]), [HAND[name]], rtol=1e-15)


@pytest.mark.parametrize("name", mlp.LOSSES)
def test_loss_evaluate_writes_hand_computed_gradient(name):
    out = np.full_like(A[None], np.nan)
    cost = mlp.LOSSES[name].evaluate(N[None], A[None], Y[None], out, np.empty(1))
    np.testing.assert_allclose(cost, [HAND[name]], rtol=1e-15)
    np.testing.assert_allclose(out[0], HAND_GRADIENT[name], rtol=1e-14)


@pytest.mark.parametrize("name", mlp.LOSSES)
def test_loss_gradient_matches_finite_difference(name):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.05, 0.95, size=(6, 3))
    y = rng.uniform(0.0, 1.0, size=(6, 3))
    out = np.empty_like(a[None])
    mlp.LOSSES[name].evaluate(logit(a)[None], a[None], y[None], out, np.empty(1))
    out = out[0]
    h = 1e-6
    numeric = np.empty_like(a)
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (reference_cost(name, up, y) - reference_cost(name, down, y)) / (2 * h)
    np.testing.assert_allclose(out, numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", mlp.LOSSES)
def test_loss_value_matches_reference_on_random_data(name):
    rng = np.random.default_rng(1)
    a = rng.uniform(0.01, 0.99, size=(7, 2))
    y = rng.uniform(0.0, 1.0, size=(7, 2))
    cost = mlp.LOSSES[name].value(logit(a)[None], a[None], y[None])
    np.testing.assert_allclose(cost, [reference_cost(name, a, y)], rtol=1e-12)


def test_mse_is_sse_over_entry_count():
    rng = np.random.default_rng(2)
    a, y = rng.normal(size=(4, 5, 3)), rng.normal(size=(1, 5, 3))  # four runs
    sse, mse = mlp.LOSSES["sse"].value(a, a, y), mlp.LOSSES["mse"].value(a, a, y)
    assert sse.shape == mse.shape == (4,)
    np.testing.assert_allclose(mse, sse / 15, rtol=1e-15)


def test_cross_entropy_output_delta_is_gradient_times_sigmoid_slope():
    out = np.empty_like(A)
    mlp.LOSSES["cross_entropy"].output_delta(A, Y, out)
    np.testing.assert_allclose(out, HAND_GRADIENT["cross_entropy"] * A * (1 - A), rtol=1e-14)
    np.testing.assert_allclose(out, (A - Y) / 4, rtol=1e-15)


@pytest.mark.parametrize(("n", "y"), [(50.0, 0.0), (-50.0, 1.0), (800.0, 0.0), (-800.0, 1.0)])
def test_cross_entropy_finite_for_saturated_output(n, y):
    # sigma(50) is exactly 1.0 in float64, so log(1 - a) would be -inf; the cost, computed from
    # the logit, is log(1 + e^|n|) = |n| + 1.9e-22 for |n| = 50.
    X, target = np.array([[0.0]]), np.array([[y]])
    W = [np.array([[n], [0.0]])]  # n^1 = bias = n
    # exp(-800) underflowing to 0 is harmless (numpy ignores underflow by default); nothing else may warn.
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error", RuntimeWarning)
        result = mlp.gradients(mlp.Architecture((1, 1), loss="cross_entropy"), W, X, target)
    np.testing.assert_allclose(result.loss, abs(n), rtol=1e-15)
    # delta = (a - y) / count = -+1: the gradient survives where sse's would vanish.
    np.testing.assert_allclose(result.grads[0], [[np.sign(n)], [0.0]], rtol=0, atol=1e-15)
    sse = mlp.gradients(mlp.Architecture((1, 1)), W, X, target)
    np.testing.assert_allclose(sse.grads[0], [[0.0], [0.0]], rtol=0, atol=4e-22)  # 2 (a - y) a (1 - a): 3.9e-22 at most
