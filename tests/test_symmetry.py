"""Symmetry metrics on hand-made matrices, and the law of the lab as a property test."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlp
from mlp.symmetry import distinct_neurons, layer_symmetry, neuron_vectors, symmetry_gap


def test_neuron_vectors_join_incoming_column_and_outgoing_row():
    W_in = np.arange(6.0).reshape(3, 2)  # (1 + n_{l-1}, n_l) = (3, 2)
    W_out = 10 + np.arange(12.0).reshape(3, 4)  # (1 + n_l, n_{l+1}) = (3, 4)
    V = neuron_vectors(W_in, W_out)
    np.testing.assert_array_equal(V, [[0, 2, 4, 14, 15, 16, 17], [1, 3, 5, 18, 19, 20, 21]])


def test_clones_have_gap_zero_and_one_distinct_neuron():
    V = np.tile([1.0, -2.0, 0.5, 3.0], (4, 1))
    assert symmetry_gap(V) == 0.0
    assert distinct_neurons(V) == 1


def test_two_groups_are_two_distinct_neurons():
    V = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, 0.5], [1.0, 2.0], [-1.0, 0.5]])
    assert distinct_neurons(V) == 2
    assert symmetry_gap(V) == 0.0  # two clones remain


def test_gap_hand_computed():
    # Rows (1, 0) and (0, 1): RMS of all entries s = sqrt(1/2); the distance is sqrt(2) over
    # d = 2 entries, so gap = sqrt(2 / 2) / sqrt(1/2) = sqrt(2).
    V = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(symmetry_gap(V), np.sqrt(2.0), rtol=1e-15)
    assert distinct_neurons(V) == 2
    # Three rows: the smallest pair decides. s^2 = (0 + 0 + 1 + 0 + 9 + 0) / 6 = 5/3.
    V = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(symmetry_gap(V), np.sqrt(1 / 2) / np.sqrt(5 / 3), rtol=1e-15)
    assert distinct_neurons(V) == 3


@pytest.mark.parametrize("factor", [1e-5, 1e5, 1e200, 1e-200])
def test_metrics_are_scale_free_without_warnings(factor):
    # 1e200: the weights of a diverging run, whose squares would overflow.
    V = np.random.default_rng(0).normal(size=(4, 6))
    V[2] = V[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        gap, distinct = symmetry_gap(factor * V), distinct_neurons(factor * V)
    assert gap == 0.0 and distinct == 3
    W = np.random.default_rng(1).normal(size=(4, 6))
    np.testing.assert_allclose(symmetry_gap(factor * W), symmetry_gap(W), rtol=1e-12)


def test_one_neuron_layer_gap_nan_one_distinct():
    V = np.array([[0.3, -1.0, 2.0]])
    assert np.isnan(symmetry_gap(V))
    assert distinct_neurons(V) == 1


def test_all_zero_weights_gap_zero_one_distinct():
    V = np.zeros((3, 5))
    assert symmetry_gap(V) == 0.0
    assert distinct_neurons(V) == 1


def test_distinct_neurons_joins_transitively():
    # Neighbours are 0.9 / sqrt(2) = 0.64 apart in RMS, 0 and 2 twice that: with a limit of 0.95
    # 0~1 and 1~2 join, 0~2 does not, and transitivity makes one group, not two.
    V = np.array([[10.0, 0.0], [10.0, 0.9], [10.0, 1.8]])
    scale = np.sqrt(np.mean(V**2))
    assert distinct_neurons(V, tolerance=0.95 / scale) == 1
    assert distinct_neurons(V, tolerance=0.6 / scale) == 3


def test_distinct_neurons_tolerance_is_relative_to_scale():
    V = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-9]])  # 1e-9 apart at scale ~1: below 1e-6, one neuron
    assert distinct_neurons(V) == 1
    assert symmetry_gap(V) > 0.0  # the gap still sees the difference
    V = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-4]])
    assert distinct_neurons(V) == 2


def test_layer_symmetry_of_the_question_start():
    weights = mlp.initial_weights((2, 3, 3, 2), "constant", 1.0, 0.0, 0)
    result = layer_symmetry(weights)
    assert np.ravel(result.distinct).tolist() == [1, 1]
    assert np.ravel(result.gap).tolist() == [0.0, 0.0]


def test_layer_symmetry_counts_hidden_layers_only():
    weights = mlp.initial_weights((2, 4, 1, 3, 2), "normal", 1.0, 0.0, 0)
    result = layer_symmetry(weights)
    gap = np.ravel(result.gap)
    assert np.ravel(result.distinct).tolist() == [4, 1, 3]
    assert np.isnan(gap[1]) and gap[0] > 0.01 and gap[2] > 0.01


def test_layer_symmetry_no_hidden_layer():
    result = layer_symmetry(mlp.initial_weights((2, 2), "normal", 1.0, 0.0, 0))
    assert np.size(result.distinct) == 0 and np.size(result.gap) == 0


# The law of the lab: neurons that start equal get equal gradients, so every hidden layer stays
# one distinct neuron, whatever the widths, data, activations, loss, optimizer and constant.


@st.composite
def constant_runs(draw):
    data = draw(st.sampled_from(["xor", "seed", "custom"]))
    values = {"data": data}
    if data == "custom":
        rows = draw(st.integers(1, 5))
        n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        unit = st.floats(0.0, 1.0, allow_nan=False)
        values["inputs"] = [[draw(st.floats(-2.0, 2.0)) for _ in range(n_in)] for _ in range(rows)]
        values["targets"] = [[draw(unit) for _ in range(n_out)] for _ in range(rows)]
    else:
        n_in, n_out = {"xor": (2, 1), "seed": (2, 2)}[data]
    hidden = draw(st.lists(st.integers(1, 5), min_size=0, max_size=2))  # 2 to 4 layers in all
    output_activation = draw(st.sampled_from(list(mlp.ACTIVATIONS)))
    losses = [
        name for name, loss in mlp.LOSSES.items() if output_activation == "sigmoid" or not loss.needs_sigmoid_output
    ]
    values.update(
        layers=[n_in, *hidden, n_out],
        activation=draw(st.sampled_from(list(mlp.ACTIVATIONS))),
        output_activation=output_activation,
        loss=draw(st.sampled_from(losses)),
        optimizer=draw(st.sampled_from(list(mlp.OPTIMIZERS))),
        init="constant",
        init_scale=draw(st.floats(-2.0, 2.0, allow_nan=False)),
        noise=0.0,
        lr=draw(st.sampled_from([0.01, 0.1, 0.5])),
        iterations=draw(st.integers(0, 8)),
        snapshots=draw(st.integers(2, 10)),
    )
    return mlp.Config.from_mapping(values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=constant_runs())
def test_constant_init_keeps_every_hidden_layer_one_neuron(config):
    run = mlp.train(config)
    hidden = len(config.layers) - 2
    assert run.distinct_neurons.shape == (len(run.snapshot_iterations), hidden)
    for s, weights in enumerate(run.weights):
        if all(np.isfinite(W).all() for W in weights):  # a diverged run's last snapshot may hold inf
            assert run.distinct_neurons[s].tolist() == [1] * hidden


@settings(max_examples=40, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=1, max_size=2),
    seed=st.integers(0, 2**32 - 1),
    data=st.sampled_from(["xor", "seed"]),
)
def test_normal_init_makes_every_wide_hidden_neuron_distinct(hidden, seed, data):
    n_in, n_out = {"xor": (2, 1), "seed": (2, 2)}[data]
    config = mlp.Config(
        data=data, layers=(n_in, *hidden, n_out), init="normal", init_scale=1.0, seed=seed, iterations=0
    )
    run = mlp.train(config)
    assert run.distinct_neurons[0].tolist() == hidden  # all distinct (a width-1 layer is 1)
    wide = np.array(hidden) >= 2
    assert np.all(run.symmetry_gap[0][wide] > 0.0) and np.all(np.isnan(run.symmetry_gap[0][~wide]))


@pytest.mark.parametrize("noise", [1e-3, 0.1])
def test_noise_breaks_the_question_symmetry(noise):
    run = mlp.train(mlp.Config(noise=noise, iterations=10, snapshots=2))
    assert run.distinct_neurons.tolist() == [[3, 3], [3, 3]]
    assert np.all(run.symmetry_gap > 0.0)
