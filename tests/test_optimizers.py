"""Optimizers: the exact update of each, and convergence on a 1-D quadratic."""

import tracemalloc

import numpy as np
import pytest

import mlp

LEARNING_RATE = {"gd": 0.1, "momentum": 0.05, "adam": 0.1}


def test_registry_lists_the_documented_names():
    assert list(mlp.OPTIMIZERS) == ["gd", "momentum", "adam"]


def test_gd_step_is_w_minus_lr_g_exactly():
    rng = np.random.default_rng(0)
    W, g = rng.normal(size=50), rng.normal(size=50)
    params = W.copy()
    mlp.OPTIMIZERS["gd"](params, 0.37).step(params, g)
    np.testing.assert_array_equal(params, W - 0.37 * g)


def test_momentum_two_steps_follow_the_heavy_ball():
    rng = np.random.default_rng(1)
    W, g1, g2 = rng.normal(size=(3, 20))
    params = W.copy()
    opt = mlp.OPTIMIZERS["momentum"](params, 0.1)
    opt.step(params, g1)
    np.testing.assert_allclose(params, W - 0.1 * g1, rtol=1e-15)
    opt.step(params, g2)  # v = 0.9 g1 + g2
    np.testing.assert_allclose(params, W - 0.1 * g1 - 0.1 * (0.9 * g1 + g2), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_adam_first_step_has_magnitude_lr(scale):
    # m_hat = g and v_hat = g^2 after one step, so the step is lr g / (|g| + eps): lr sign(g).
    rng = np.random.default_rng(2)
    g = scale * rng.choice([-1.0, 1.0], size=30) * rng.uniform(0.5, 2.0, size=30)
    params = np.zeros(30)
    mlp.OPTIMIZERS["adam"](params, 0.01).step(params, g)
    np.testing.assert_allclose(np.abs(params), 0.01 * np.abs(g) / (np.abs(g) + 1e-8), rtol=1e-12)
    # |step| = lr up to eps / |g|: 2e-4 relative for the smallest gradients here, 1e-8 for |g| ~ 1.
    np.testing.assert_allclose(np.abs(params), 0.01, rtol=1e-8 / np.min(np.abs(g)) + 1e-12)
    np.testing.assert_array_equal(np.sign(params), -np.sign(g))


def test_adam_two_steps_match_the_formula():
    g1, g2 = np.array([0.3, -2.0]), np.array([-0.1, -1.0])
    params = np.zeros(2)
    opt = mlp.OPTIMIZERS["adam"](params, 0.05)
    opt.step(params, g1)
    opt.step(params, g2)
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    v = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected = -0.05 * g1 / (np.abs(g1) + 1e-8) - 0.05 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


@pytest.mark.parametrize("name", mlp.OPTIMIZERS)
def test_optimizer_minimises_a_quadratic(name):
    # C(w) = (w - 3)^2 from w = 0 (C = 9): 200 steps bring it below 1e-6.
    params, grads = np.zeros(1), np.zeros(1)
    opt = mlp.OPTIMIZERS[name](params, LEARNING_RATE[name])
    costs = []
    for _ in range(200):
        costs.append((params[0] - 3.0) ** 2)
        grads[0] = 2.0 * (params[0] - 3.0)
        opt.step(params, grads)
    assert costs[0] == 9.0
    assert costs[-1] < 1e-6
    assert costs[10] < costs[0]


@pytest.mark.parametrize("name", mlp.OPTIMIZERS)
def test_optimizer_step_updates_in_place_and_allocates_nothing(name):
    # 200,000 parameters are 1.6 MB: a step must not copy them (numpy's ufunc buffers are ~130 kB).
    size = 200_000
    params, grads = np.zeros(size), np.full(size, 0.5)
    address = params.ctypes.data
    opt = mlp.OPTIMIZERS[name](params, 0.1)
    opt.step(params, grads)
    tracemalloc.start()
    try:
        opt.step(params, grads)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 500_000
    assert params.ctypes.data == address and np.all(params < 0)
