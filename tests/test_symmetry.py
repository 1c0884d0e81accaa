"""Symmetry metrics on hand-made matrices, and the law of the lab as a property test."""

import math
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlp
from mlp import symmetry
from mlp.symmetry import (
    TOLERANCE,
    distinct_neurons,
    layer_symmetry,
    neuron_vectors,
    relative_distances,
    symmetry_gap,
    symmetry_history,
)


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


def relative_oracle(V: np.ndarray) -> np.ndarray:
    """``r_ij`` pair by pair from the differences themselves (each correctly rounded): the definition.

    Norms by ``math.hypot``, which scales: ``np.linalg.norm`` squares, so a row of 3.6e-173 has norm 0
    there (its square underflows) and would pass for a zero row.
    """
    n = len(V)
    R = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            size = max(math.hypot(*V[i]), math.hypot(*V[j]))
            R[i, j] = math.hypot(*(V[i] - V[j])) / size if size else 0.0
    return R


def test_gap_hand_computed():
    # Rows (1, 0) and (0, 1): the difference has norm sqrt(2), the larger row norm 1.
    V = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(symmetry_gap(V), np.sqrt(2.0), rtol=1e-15)
    assert distinct_neurons(V) == 2
    # Rows 0, 1, 3 on a line: r = 1/1, 3/3 and 2/3; the smallest pair decides.
    V = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(symmetry_gap(V), 2 / 3, rtol=1e-15)
    assert distinct_neurons(V) == 3
    # Opposite rows are as far apart as can be: r = 2.
    np.testing.assert_allclose(relative_distances(np.array([[1.0, -2.0], [-1.0, 2.0]]))[0, 1], 2.0, rtol=1e-15)


@pytest.mark.parametrize("factor", [1e-5, 1e5, 1e200, 1e-200])
def test_metrics_are_scale_free_without_warnings(factor):
    # 1e200: the weights of a diverging run, whose squares would overflow; 1e-200: squares that underflow.
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


def test_clone_groups_do_not_chain():
    # r(0, 1) = 0.9 / |v_1| = 0.0896, r(1, 2) = 0.0886, r(0, 2) = 0.177.
    V = np.array([[10.0, 0.0], [10.0, 0.9], [10.0, 1.8]])
    R = relative_distances(V)
    np.testing.assert_allclose(R, relative_oracle(V), rtol=1e-12)
    assert R[0, 1] < 0.1 and R[1, 2] < 0.1 and R[0, 2] > 0.1
    # At a tolerance of 0.1, 0 ~ 1 and 1 ~ 2 but not 0 ~ 2: two groups, {0, 1} and {2}, never one.
    assert distinct_neurons(V, tolerance=0.1) == 2
    assert symmetry_gap(V, tolerance=0.1) == 0.0
    assert distinct_neurons(V, tolerance=0.2) == 1
    assert distinct_neurons(V, tolerance=0.05) == 3 and symmetry_gap(V, tolerance=0.05) == pytest.approx(R[1, 2])


def test_clone_groups_are_cliques_numbered_by_first_neuron():
    # 1 ~ 2, 2 ~ 3, 1 !~ 3 (a chain), and 0 = 4 exactly: groups {0, 4}, {1, 2}, {3}.
    V = np.array([[5.0, 1.0], [1.0, 0.0], [1.0, 0.09], [1.0, 0.18], [5.0, 1.0]])
    W_in, W_out = V[:, :1].T, np.vstack([np.zeros((1, 1)), V[:, 1:]])  # (1 + 0, 5) and (1 + 5, 1)
    labels = mlp.clone_groups([W_in, W_out], tolerance=0.1)
    assert labels[0].tolist() == [0, 1, 1, 2, 0]


@pytest.mark.parametrize("r", [0.5e-13, 0.9e-13, 1.1e-13, 2e-13])
def test_clone_tolerance_near_misses(r):
    # Two neurons r apart relative to their size, next to a neuron a million times larger.
    rng = np.random.default_rng(3)
    u = rng.normal(size=7)
    e = rng.normal(size=7)
    v = u + r * np.linalg.norm(u) * e / np.linalg.norm(e)
    V = np.array([u, v, 1e6 * rng.normal(size=7)])
    exact = relative_oracle(V)[0, 1]
    assert exact == pytest.approx(r, rel=0.05)  # the construction, up to the rounding of v
    clones = exact <= TOLERANCE
    assert distinct_neurons(V) == (2 if clones else 3)
    assert symmetry_gap(V) == (0.0 if clones else pytest.approx(exact, rel=1e-6))


@pytest.mark.parametrize("r", [1e-3, 1e-5, 1e-8, 1e-9, 1e-11, 1e-12])
@pytest.mark.parametrize("company", ["far", "cluster", "two-clusters"])
def test_gap_is_precise_for_tiny_differences(r, company):
    # A pair r apart among: one far neuron (the direct route), every neuron close (one centred group),
    # or two clusters of 24 (the dense route, a centred group per component).
    rng = np.random.default_rng(4)
    d = 9
    u = rng.normal(size=d)
    pair = [u, u + r * np.linalg.norm(u) * rng.normal(size=d) / np.sqrt(d)]
    if company == "far":
        others = [50.0 * rng.normal(size=d)]
    elif company == "cluster":
        others = [u + 1e-2 * rng.normal(size=d) for _ in range(6)]
    else:
        w = rng.normal(size=d)
        others = [c + 1e-4 * rng.normal(size=d) for c in (u, w) for _ in range(24)]
    V = np.array(pair + others)
    R = relative_distances(V)
    np.testing.assert_allclose(R, relative_oracle(V), rtol=1e-6, atol=0)
    assert symmetry_gap(V) == pytest.approx(relative_oracle(V)[~np.eye(len(V), dtype=bool)].min(), rel=1e-6)


@st.composite
def planted_layers(draw):
    """Rows drawn around a few centres at distances from 0 to 1e-3 of their size, scaled by up to 1e12."""
    d = draw(st.integers(1, 6))
    centres = draw(st.lists(st.lists(st.floats(-3, 3), min_size=d, max_size=d), min_size=1, max_size=3))
    rows = []
    for _ in range(draw(st.integers(2, 8))):
        centre = np.array(draw(st.sampled_from(centres)))
        step = draw(st.sampled_from([0.0, 1e-15, 5e-14, 2e-13, 1e-9, 1e-3]))
        direction = np.array(draw(st.lists(st.floats(-1, 1), min_size=d, max_size=d)))
        rows.append(centre + step * np.linalg.norm(centre) * direction)
    return np.array(rows) * draw(st.sampled_from([1.0, 1e-12, 1e12]))


@settings(max_examples=150, deadline=None)
@given(V=planted_layers())
@pytest.mark.slow
def test_groups_and_gap_follow_the_rule(V):
    n = len(V)
    R = relative_oracle(V)
    labels = mlp.clone_groups([V[:, :1].T, np.vstack([np.zeros((1, V.shape[1] - 1)), V[:, 1:]])])[0]
    # Labels 0, 1, ... by first neuron; every pair in a group is a clone pair (up to the oracle's rounding).
    assert labels[0] == 0 and all(labels[j] <= labels[:j].max(initial=-1) + 1 for j in range(n))
    together = labels[:, None] == labels[None, :]
    assert np.all(R[together] <= TOLERANCE * (1 + 1e-6))
    # Greedy: a neuron that starts a group is not a clone of every member of an earlier group.
    for j in range(n):
        if labels[j] == labels[:j].max(initial=-1) + 1:
            for g in range(labels[j]):
                assert np.any(R[j, labels == g] > TOLERANCE * (1 - 1e-6))
    distinct, gap = distinct_neurons(V), symmetry_gap(V)
    assert distinct == labels.max() + 1
    if distinct < n:
        assert gap == 0.0
    else:
        assert gap == pytest.approx(R[~np.eye(n, dtype=bool)].min(), rel=1e-6, abs=1e-300)


def test_one_blown_up_neuron_makes_no_other_pair_clones():
    # The relu/linear run that blows up: one neuron at 4.6e14 beside ordinary ones.
    rng = np.random.default_rng(5)
    V = rng.normal(size=(6, 8))
    V[3] *= 4.6e14
    assert distinct_neurons(V) == 6
    assert symmetry_gap(V) == pytest.approx(relative_oracle(V)[~np.eye(6, dtype=bool)].min(), rel=1e-9)


def test_non_finite_layers_compare_rows_bit_for_bit():
    V = np.array([[np.inf, 1.0], [np.inf, 1.0], [1.0, 2.0]])
    assert distinct_neurons(V) == 2 and np.isnan(symmetry_gap(V))


def test_results_do_not_depend_on_chunks(monkeypatch):
    snapshots = [mlp.initial_weights((2, 6, 5, 1), "normal", 1.0, 0.0, s) for s in range(5)]
    snapshots += [mlp.initial_weights((2, 6, 5, 1), "constant", 1.0, 1e-9 * k, k) for k in range(5)]
    snapshots[3][1][:, 2] = snapshots[3][1][:, 4]  # two clones in one of them
    snapshots[3][2][3] = snapshots[3][2][5]
    whole = symmetry_history(snapshots)
    monkeypatch.setattr(symmetry, "_CHUNK_BYTES", 1)  # one snapshot at a time
    alone = symmetry_history(snapshots)
    np.testing.assert_array_equal(whole.distinct, alone.distinct)
    np.testing.assert_array_equal(whole.gap, alone.gap)
    assert whole.distinct[3].tolist() == [6, 4]


def test_metrics_work_counts_pairs_times_vector_length():
    # 2-3-3-2: each hidden layer has 3 x 3 pairs of vectors of 6 entries.
    assert mlp.metrics_work((2, 3, 3, 2)) == 2 * (9 * (6 + symmetry._PAIR_PASSES) + symmetry._LAYER_COST)
    assert mlp.metrics_work((2, 2)) == 0.0


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
# one distinct neuron, whatever the widths, data, activations, loss and constant, for a step in
# proportion to the gradient (gd, momentum). Adam is the exception, and the lab says so: see
# test_adam_can_turn_rounding_noise_into_near_clones below.


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
        optimizer=draw(st.sampled_from(["gd", "momentum"])),
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


def test_adam_can_turn_rounding_noise_into_near_clones():
    """Found by the property above when it drew adam: equal rows of dC/dW^1 that are zero up to cancellation
    come out of BLAS as 3.6e-217 for three neurons and 0 for the fourth (its row is computed on another
    path), and adam divides by sqrt(v) + eps, so that noise becomes a step of lr g / eps against none. The
    neurons differ by about 1e-13 of their size: the run's findings say clones (0=1=2) and near clones, so
    the page tells the learner what the numbers are."""
    config = mlp.Config(
        data="xor", layers=(2, 4, 1), activation="leaky_relu", init="constant", init_scale=-9.307656152505113e-199,
        optimizer="adam", lr=0.01, iterations=1, snapshots=2,
    )  # fmt: skip
    run = mlp.train(config)
    assert run.distinct_neurons[:, 0].tolist() == [1, 2]
    W1 = run.weights[-1][1][1:, 0]  # each hidden neuron's outgoing weight
    assert W1[0] == W1[1] == W1[2] != W1[3]
    assert np.abs(W1 - W1[3]).max() <= 1e-12 * np.abs(W1).max()  # rounding, not learning
    found = {f.code: f for f in mlp.findings(run)}
    assert found["clones"].evidence["groups"] == 2 and "near_clones" in found


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
def test_noise_makes_the_question_neurons_different_in_weights(noise):
    # Different weights; whether they matter is for mlp.findings (near_clones).
    run = mlp.train(mlp.Config(noise=noise, iterations=10, snapshots=2))
    assert run.distinct_neurons.tolist() == [[3, 3], [3, 3]]
    assert np.all(run.symmetry_gap > 0.0)


@pytest.mark.slow
def test_memory_stays_under_100_mb_on_wide_layers():
    # 60 snapshots of 2-256-256-2 whose neurons are all within 1e-9 (the costliest route): chunks bound it.
    rng = np.random.default_rng(7)
    shapes = [(3, 256), (257, 256), (257, 2)]
    snapshots = [[1.0 + 1e-9 * rng.normal(size=s) for s in shapes] for _ in range(60)]
    tracemalloc.start()
    result = symmetry_history(snapshots)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100e6
    assert np.all(result.distinct == 256) and np.all((result.gap > 1e-11) & (result.gap < 1e-7))


def test_rows_whose_squares_underflow_keep_their_distances():
    # Found by hypothesis. r = |0 - 3.6e-173| / 3.6e-173 = 1, although 3.6e-173 squared underflows to 0,
    # alone or beside a row of ordinary size; two equal rows of 1e-312 (subnormal) are clones.
    for V in ([[0.0], [3.60119344e-173]], [[0.0, 0.0], [0.0, 1.0], [0.0, 8.36508483e-259]]):
        V = np.array(V)
        np.testing.assert_array_equal(relative_distances(V)[[0, -1], [-1, 0]], [1.0, 1.0])
        assert distinct_neurons(V) == len(V)
    V = np.array([[1e-312], [1e-312], [1e-12]])
    np.testing.assert_allclose(relative_distances(V), relative_oracle(V), rtol=1e-15, atol=0)
    assert distinct_neurons(V) == 2 and mlp.clone_groups([V.T, np.zeros((4, 0))])[0].tolist() == [0, 0, 1]
