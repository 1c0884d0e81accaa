"""Forward and backward passes: shapes, the question's constant network, gradients, buffers."""

import itertools
import tracemalloc

import numpy as np
import pytest

import mlp
from mlp.network import layer_sizes
from mlp.optimizers import OPTIMIZERS

# Every (hidden activation, output activation, loss) the configuration allows:
# cross_entropy needs a sigmoid output.
ALLOWED = [
    (h, o, loss)
    for h, o, loss in itertools.product(mlp.ACTIVATIONS, mlp.ACTIVATIONS, mlp.LOSSES)
    if not (mlp.LOSSES[loss].needs_sigmoid_output and o != "sigmoid")
]
SHAPES = [(3, 4, 2), (2, 5, 3, 1), (4, 2, 3, 2, 3)]
KINK_MARGIN = 1e-4


def random_problem(layers, seed):
    """Weights ``N(0, 0.5^2)``, 5 observations with inputs in [-1, 1] and targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 0.5, size=(1 + a, b)) for a, b in zip(layers, layers[1:])]
    X = rng.uniform(-1.0, 1.0, size=(5, layers[0]))
    Y = rng.uniform(0.0, 1.0, size=(5, layers[-1]))
    return weights, X, Y


def pre_activations(weights, X, activation, output_activation):
    """``n^1 .. n^L`` computed by plain numpy (independent of the engine)."""
    f = {
        "sigmoid": lambda n: 1 / (1 + np.exp(-n)),
        "tanh": np.tanh,
        "relu": lambda n: np.maximum(n, 0),
        "leaky_relu": lambda n: np.where(n > 0, n, 0.01 * n),
        "linear": lambda n: n,
    }
    a, ns = X, []
    for l, W in enumerate(weights):
        n = np.hstack([np.ones((len(a), 1)), a]) @ W
        ns.append(n)
        a = f[output_activation if l == len(weights) - 1 else activation](n)
    return ns, a


def arch(weights, activation="sigmoid", output_activation="sigmoid", loss="sse") -> mlp.Architecture:
    return mlp.Architecture(layer_sizes(weights), activation, output_activation, loss)


def oracle_cost(weights, X, Y, activation, output_activation, loss):
    ns, a = pre_activations(weights, X, activation, output_activation)
    if loss == "sse":
        return np.sum((a - Y) ** 2)
    if loss == "mse":
        return np.mean((a - Y) ** 2)
    return -np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a))


def away_from_kinks(layers, activation, output_activation):
    """The first seed whose pre-activations all sit at least ``KINK_MARGIN`` from 0.

    relu and leaky_relu have no derivative at 0: a central difference straddling the kink
    measures an average of two slopes. A weight step of ``epsilon = 1e-5`` moves any ``n`` by far
    less than the margin, so with this seed every difference stays on one side of every kink.
    """
    for seed in range(100):
        weights, X, Y = random_problem(layers, seed)
        ns, _ = pre_activations(weights, X, activation, output_activation)
        if min(np.min(np.abs(n)) for n in ns) > KINK_MARGIN:
            return seed
    raise AssertionError("no seed away from the kinks")


@pytest.mark.parametrize("layers", SHAPES)
@pytest.mark.parametrize(("activation", "output_activation", "loss"), ALLOWED)
def test_gradients_cost_matches_oracle(layers, activation, output_activation, loss):
    weights, X, Y = random_problem(layers, 1)
    got = mlp.gradients(arch(weights, activation, output_activation, loss), weights, X, Y).loss
    np.testing.assert_allclose(got, oracle_cost(weights, X, Y, activation, output_activation, loss), rtol=1e-12)


@pytest.mark.parametrize("layers", SHAPES)
@pytest.mark.parametrize(("activation", "output_activation", "loss"), ALLOWED)
def test_gradients_match_finite_differences(layers, activation, output_activation, loss):
    seed = away_from_kinks(layers, activation, output_activation)
    weights, X, Y = random_problem(layers, seed)
    # floor: the relative error is |g - g_fd| / max(|g| + |g_fd|, floor). A central difference of a
    # cost of size ~1 carries a rounding error of ~1e-16 / 1e-5 = 1e-11 (measured up to 2e-10),
    # so gradients far below 1e-3 cannot be judged relatively; floor = 1e-3 still demands an
    # absolute agreement of 1e-8 there, and 1e-5 relative everywhere else.
    architecture = arch(weights, activation, output_activation, loss)
    check = mlp.gradient_check(architecture, weights, X, Y, epsilon=1e-5, floor=1e-3)
    assert check.max_relative_error < 1e-5
    analytic = mlp.gradients(architecture, weights, X, Y).grads
    for G, A, W in zip(analytic, check.analytic, weights):
        assert G.shape == W.shape
        np.testing.assert_array_equal(G, A)
    assert max(np.max(np.abs(G)) for G in analytic) > 1e-3  # the comparison is not all zeros


def test_gradient_check_gives_the_same_numbers_in_chunks_of_a_few_runs(monkeypatch):
    # 2 x 29 shifted weight sets of the question's network, in chunks of 4 runs (the last one of 2).
    weights, X, Y = random_problem((2, 3, 3, 2), 3)
    whole = mlp.gradient_check(arch(weights), weights, X, Y)
    per_run = 2 * 29 + 5 * 6 * (3 + 3 + 2)  # mlp/gradcheck.py's count of one run's values
    monkeypatch.setattr(mlp.gradcheck, "MAX_VALUES", 4 * per_run)
    chunked = mlp.gradient_check(arch(weights), weights, X, Y)
    for A, B in zip(whole.numeric, chunked.numeric):
        np.testing.assert_allclose(A, B, rtol=1e-12, atol=1e-15)
    assert chunked.max_relative_error < 1e-6


def scale_slope(monkeypatch, name: str, factor: float) -> None:
    """Make activation ``name``'s derivative wrong by ``factor`` (its value stays right)."""
    activation = mlp.ACTIVATIONS[name]

    def wrong_slope(n, a, out):
        activation.slope(n, a, out)
        out *= factor
        return out

    monkeypatch.setitem(mlp.ACTIVATIONS, name, type(activation)(name, activation.value, wrong_slope))


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    # The check can fail: halve the sigmoid's slope and it must notice.
    weights, X, Y = random_problem((3, 4, 2), 0)
    scale_slope(monkeypatch, "sigmoid", 0.5)
    assert mlp.gradient_check(arch(weights), weights, X, Y, epsilon=1e-5, floor=1e-3).max_relative_error > 0.1


@pytest.mark.parametrize(
    "values",
    [
        {"data": "xor", "init": "normal", "optimizer": "adam", "lr": 0.05, "iterations": 3000},
        {"data": "xor", "init": "normal", "activation": "leaky_relu", "iterations": 2000},
        {"noise": 0.5, "iterations": 3000},
    ],
)
def test_gradient_check_defaults_pass_on_trained_networks(values):
    # Near convergence every gradient is tiny (~1e-6), and the central difference's rounding
    # error (~1e-10) alone would make a relative error of 1e-4 with a floor of 1e-8: the dashboard
    # (threshold 1e-5) would call correct gradients "DISAGREE". The defaults must not.
    run = mlp.train(mlp.Config.from_mapping(values))
    check = mlp.gradient_check(run.config.architecture, run.final_weights, run.inputs, run.targets)
    assert check.passed(1e-6), check.max_relative_error
    assert max(np.max(np.abs(G)) for G in check.analytic) < 1e-2  # the gradients really are small


def test_gradient_check_defaults_detect_a_wrong_gradient_on_a_trained_network(monkeypatch):
    run = mlp.train(
        mlp.Config.from_mapping({"data": "xor", "init": "normal", "activation": "tanh", "iterations": 2000})
    )
    scale_slope(monkeypatch, "tanh", 1.01)  # the slope off by one percent
    check = mlp.gradient_check(run.config.architecture, run.final_weights, run.inputs, run.targets)
    assert check.max_relative_error > 1e-5


@pytest.mark.parametrize("runs", [1, 5])
@pytest.mark.parametrize("layers", [(2, 3, 3, 2), (1, 1), (4, 7, 1, 5)])
def test_network_weight_shapes_are_runs_by_one_plus_n_l_by_n_next(layers, runs):
    net = mlp.Network(mlp.Architecture(layers), np.zeros((3, layers[0])), np.zeros((3, layers[-1])), runs)
    assert [W.shape for W in net.weights] == [(runs, 1 + a, b) for a, b in zip(layers, layers[1:])]
    assert [G.shape for G in net.grads] == [W.shape for W in net.weights]
    assert net.params.shape == (runs, sum((1 + a) * b for a, b in zip(layers, layers[1:])))
    assert layer_sizes(net.weights) == layers
    assert [a.shape for a in net.a] == [(runs, 3, n) for n in layers[1:]]
    weights = mlp.initial_weights(layers, "normal", 1.0, 0.0, 0)
    assert [(runs, *W.shape) for W in weights] == [W.shape for W in net.weights]


def test_forward_bias_is_row_zero():
    # n = [1 | a] @ W: row 0 is the bias, row i+1 the weights from neuron i.
    W = np.array([[0.5], [2.0], [-3.0]])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    out = mlp.forward(mlp.Architecture((2, 1), output_activation="linear"), [W], X)
    np.testing.assert_allclose(out, [[2.5], [-2.5], [0.5]], rtol=0, atol=0)


def test_activations_lists_every_layer_with_input_first():
    weights = mlp.initial_weights((2, 3, 3, 2), "normal", 1.0, 0.0, 4)
    X = np.array([[0.8, 0.4], [0.3, 0.3]])
    architecture = mlp.Architecture((2, 3, 3, 2), "tanh", "linear")
    acts = mlp.activations(architecture, weights, X)
    assert [a.shape for a in acts] == [(2, 2), (2, 3), (2, 3), (2, 2)]
    np.testing.assert_array_equal(acts[0], X)
    _, a = pre_activations(weights, X, "tanh", "linear")
    np.testing.assert_allclose(acts[-1], a, rtol=1e-13)
    np.testing.assert_array_equal(mlp.forward(architecture, weights, X), acts[-1])


def test_forward_constant_network_has_identical_columns():
    weights = mlp.initial_weights((2, 3, 3, 2), "constant", 1.0, 0.0, 0)
    acts = mlp.activations(mlp.Architecture((2, 3, 3, 2)), weights, np.array([[0.8, 0.4], [0.3, 0.3]]))
    for a in acts[1:]:
        assert np.array_equal(a, np.repeat(a[:, :1], a.shape[1], axis=1))
    assert not np.array_equal(acts[-1][0], acts[-1][1])  # the observations still differ


def test_gradients_constant_network_identical_hidden_rows_and_columns():
    weights = mlp.initial_weights((2, 3, 3, 2), "constant", 1.0, 0.0, 0)
    X, Y = np.array([[0.8, 0.4], [0.3, 0.3]]), np.array([[0.2, 0.4], [1.0, 0.0]])
    G0, G1, G2 = mlp.gradients(mlp.Architecture((2, 3, 3, 2)), weights, X, Y).grads
    for G in (G0, G1):  # every hidden neuron's incoming gradient column is the same
        assert np.array_equal(G, np.repeat(G[:, :1], 3, axis=1))
    for G in (G1, G2):  # and so is every outgoing gradient row
        assert np.array_equal(G[1:], np.repeat(G[1:2], 3, axis=0))


def test_trace_lists_the_question_order_and_matches_gradients():
    weights, X, Y = random_problem((2, 3, 2), 3)
    architecture = mlp.Architecture((2, 3, 2), "tanh", "sigmoid", "mse")
    steps = mlp.trace(architecture, weights, X, Y)
    assert [s.symbol for s in steps] == [
        "[1 | a^0]", "n^1", "a^1", "[1 | a^1]", "n^2", "a^2",
        "dC/da^2", "da^2/dn^2", "delta^2", "dC/dW^1", "dC/da^1", "da^1/dn^1", "delta^1", "dC/dW^0",
    ]  # fmt: skip
    by_symbol = {s.symbol: s.value for s in steps}
    G0, G1 = mlp.gradients(architecture, weights, X, Y).grads
    np.testing.assert_array_equal(by_symbol["dC/dW^0"], G0)
    np.testing.assert_array_equal(by_symbol["dC/dW^1"], G1)
    np.testing.assert_allclose(by_symbol["delta^2"], by_symbol["dC/da^2"] * by_symbol["da^2/dn^2"], rtol=1e-15)
    np.testing.assert_allclose(by_symbol["dC/da^1"], by_symbol["delta^2"] @ weights[1][1:].T, rtol=1e-14)
    np.testing.assert_allclose(by_symbol["dC/dW^1"], by_symbol["[1 | a^1]"].T @ by_symbol["delta^2"], rtol=1e-14)


def buffers(net):
    named = {"params": [net.params], "flat_grads": [net.flat_grads]}
    for name in ("weights", "grads", "inputs", "n", "a", "dC_da", "slopes", "deltas"):
        named[name] = list(getattr(net, name))
    return {(name, i): (id(b), b.ctypes.data) for name, bs in named.items() for i, b in enumerate(bs)}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_network_step_keeps_every_buffer(optimizer):
    weights, X, Y = random_problem((3, 4, 2), 0)
    net = mlp.Network(mlp.Architecture((3, 4, 2), "tanh", "sigmoid", "mse"), X, Y)
    net.set_weights(weights)
    before = buffers(net)
    step = OPTIMIZERS[optimizer](net.params, np.array([0.1]))
    for _ in range(5):
        net.forward()
        net.backward()
        step.step(net.params, net.flat_grads)
    assert buffers(net) == before
    for W, G in zip(net.weights, net.grads):  # still views into the flat vectors, which moved
        assert np.shares_memory(W, net.params) and np.shares_memory(G, net.flat_grads)
    assert not np.array_equal(net.weights[0][0], weights[0])


def step_peak_memory(activation, loss, optimizer="adam"):
    """Peak bytes traced by numpy during one forward, backward and optimizer step.

    Hidden buffers are 2000 x 64 floats = 1 MB each and the output one column (16 kB); numpy's
    internal ufunc buffers stay under ~130 kB.
    """
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(-1, 1, (2000, 2)), rng.uniform(0, 1, (2000, 1))
    net = mlp.Network(mlp.Architecture((2, 64, 64, 1), activation, "sigmoid", loss), X, Y)
    net.set_weights([rng.normal(0, 0.5, W.shape) for W in net.weights])
    step = OPTIMIZERS[optimizer](net.params, np.array([0.01]))
    net.forward()
    net.backward()
    step.step(net.params, net.flat_grads)
    tracemalloc.start()
    try:
        net.forward()
        net.backward()
        step.step(net.params, net.flat_grads)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("loss", mlp.LOSSES)
@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
def test_network_step_allocates_no_activation_sized_memory(activation, loss):
    # A peak under half a hidden buffer: no per-step copy of any hidden-layer matrix.
    assert step_peak_memory(activation, loss) < 500_000


def test_network_forward_then_backward_is_repeatable():
    weights, X, Y = random_problem((2, 5, 3, 1), 2)
    net = mlp.Network(mlp.Architecture((2, 5, 3, 1), "relu", "linear", "sse"), X, Y)
    net.set_weights(weights)
    first = net.forward().copy()
    net.backward()
    grads = net.flat_grads.copy()
    np.testing.assert_array_equal(net.forward(), first)
    net.backward()
    np.testing.assert_array_equal(net.flat_grads, grads)


@pytest.mark.parametrize("output_activation", [a for a in mlp.ACTIVATIONS if a != "sigmoid"])
def test_cross_entropy_needs_a_sigmoid_output_everywhere(output_activation):
    # Its gradient (a - y) / count assumes a sigmoid: with any other output it would not match the cost.
    weights, X, Y = random_problem((3, 4, 2), 0)
    with pytest.raises(mlp.ConfigError, match="cross_entropy needs output_activation sigmoid"):
        architecture = arch(weights, "tanh", output_activation, "cross_entropy")
        mlp.gradients(architecture, weights, X, Y)


def test_functions_refuse_weights_that_do_not_fit_the_architecture():
    weights, X, Y = random_problem((3, 4, 2), 0)
    for call in (mlp.gradients, mlp.trace, mlp.gradient_check):
        with pytest.raises(mlp.ConfigError, match="do not fit layers"):
            call(mlp.Architecture((3, 5, 2)), weights, X, Y)


# Products summed in order: each entry's terms added one at a time, whatever the runs beside it.


def in_order_oracle(A, B):
    """``A[r] @ B[r]`` with Python floats (IEEE doubles, no fused multiply-add): ``((t0 + t1) + t2) + ...``."""
    R, rows, k = A.shape
    out = np.empty((R, rows, B.shape[-1]))
    for r, i, j in itertools.product(range(R), range(rows), range(B.shape[-1])):
        total = float(A[r, i, 0]) * float(B[r, 0, j])
        for t in range(1, k):
            total = total + float(A[r, i, t]) * float(B[r, t, j])
        out[r, i, j] = total
    return out


@pytest.mark.parametrize("runs", [1, 7])
@pytest.mark.parametrize("shape", [(2, 4, 3), (1, 1, 1), (5, 8, 2), (3, 2, 6)])
def test_in_order_product_adds_each_entrys_terms_one_at_a_time(shape, runs):
    rng = np.random.default_rng(sum(shape) + runs)
    rows, k, cols = shape
    A, B = (mlp.network._stack(runs, s, run_last=True) for s in ((rows, k), (k, cols)))
    A[...] = rng.normal(size=A.shape) * 10.0 ** rng.integers(-8, 8, size=A.shape)  # magnitudes apart: order shows
    B[...] = rng.normal(size=B.shape)
    out = mlp.network._stack(runs, (rows, cols), run_last=True)
    mlp.network.in_order(A, B, out)()
    assert np.array_equal(out, in_order_oracle(A, B))


def test_in_order_cost_sums_each_runs_entries_one_at_a_time():
    rng = np.random.default_rng(3)
    u = rng.normal(size=(4, 2, 3)) * 10.0 ** rng.integers(-8, 8, size=(4, 2, 3))
    out = mlp.losses.dot_in_order(u, u, np.empty(4))
    for r in range(4):
        total = 0.0
        for value in u[r].ravel().tolist():
            total = value * value if total == 0.0 else total + value * value
        assert out[r] == total


@pytest.mark.parametrize(("h", "o", "loss"), ALLOWED)
def test_in_order_agrees_with_blas_to_rounding_and_stacks_to_the_bit(h, o, loss):
    weights, X, Y = random_problem((3, 4, 2), 1)
    X, Y = X[:4], Y[:4]  # every sum at most 8 terms (the cost's 4 x 2)
    by = {}
    for products in mlp.network.PRODUCTS:
        by[products] = mlp.gradients(mlp.Architecture((3, 4, 2), h, o, loss, products), weights, X, Y)
    np.testing.assert_allclose(by["in_order"].loss, by["blas"].loss, rtol=1e-13)
    for G_in_order, G_blas in zip(by["in_order"].grads, by["blas"].grads):
        np.testing.assert_allclose(G_in_order, G_blas, rtol=1e-12, atol=1e-15)
    # Stacked with other runs (the run axis last in memory), the same run computes the same bits.
    net = mlp.Network(mlp.Architecture((3, 4, 2), h, o, loss, "in_order"), X, Y, runs=3)
    rng = np.random.default_rng(2)
    net.params[...] = rng.normal(0.0, 0.5, size=net.params.shape)
    net.set_weights([np.stack([rng.normal(0, 0.5, W.shape), W, W + 1]) for W in weights])
    with np.errstate(all="ignore"):
        cost = net.forward()[1]
        net.backward()
    assert cost == by["in_order"].loss
    for G, G_alone in zip(net.grads, by["in_order"].grads):
        assert np.array_equal(G[1], G_alone)


def test_in_order_holds_the_run_axis_last_in_memory_and_the_weights_as_views():
    net = mlp.Network(mlp.Architecture((2, 3, 3, 2), products="in_order"), np.zeros((2, 2)), np.zeros((2, 2)), 5)
    assert net.params.shape == (5, 29) and net.params.strides == (8, 5 * 8)
    assert all(np.shares_memory(W, net.params) for W in net.weights)
    assert all(a.strides[0] == 8 for a in (*net.a, *net.n, *net.deltas))


@pytest.mark.parametrize(
    ("layers", "observations", "terms"),
    [((2, 9, 1), 4, 10), ((2, 3, 1), 9, 9), ((2, 3, 3), 3, 9), ((2, 4, 12, 1), 2, 13)],
)
def test_in_order_is_refused_with_a_sum_of_more_than_eight_terms(layers, observations, terms):
    architecture = mlp.Architecture(layers, products="in_order")
    assert architecture.most_terms(observations) == terms
    with pytest.raises(mlp.ConfigError) as error:
        mlp.Network(architecture, np.zeros((observations, layers[0])), np.zeros((observations, layers[-1])))
    assert str(error.value) == (
        f"products: in_order sums at most 8 terms, and this network on {observations} observations has sums of "
        f"{terms}; use blas."
    )
    # A forward pass alone (a grid of points under the run's weights) sums over no observations.
    if architecture.most_terms(0) <= 8:
        weights = mlp.initial_weights(layers, "normal", 1.0, 0.0, 0)
        grid = np.random.default_rng(0).normal(size=(1000, layers[0]))
        np.testing.assert_allclose(
            mlp.forward(architecture, weights, grid), mlp.forward(mlp.Architecture(layers), weights, grid), rtol=1e-13
        )
