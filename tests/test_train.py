"""Training: the loss history, bounded snapshots, divergence as a result, reproducibility."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp
from mlp.training import snapshot_schedule

QUESTION_X = np.array([[0.8, 0.4], [0.3, 0.3]])
QUESTION_Y = np.array([[0.2, 0.4], [1.0, 0.0]])


def initial(config):
    return mlp.initial_weights(config.layers, config.init, config.init_scale, config.noise, config.seed)


def test_train_loss_history_starts_at_initial_cost():
    config = mlp.Config(init="normal", seed=3, iterations=50, activation="tanh", loss="mse")
    run = mlp.train(config)
    assert run.loss_history.shape == (51,) and run.iterations_run == 50
    expected = mlp.gradients(config.architecture, initial(config), QUESTION_X, QUESTION_Y).loss
    np.testing.assert_allclose(run.loss_history[0], expected, rtol=1e-15)
    np.testing.assert_allclose(run.final_loss, run.loss_history[-1], rtol=0)


def test_train_question_initial_cost_by_hand():
    # sse at the question's start: (0.98069-0.2)^2 + (0.98069-0.4)^2 + (0.98039-1)^2 + 0.98039^2.
    a = 1 / (1 + np.exp(-(1 + 3 / (1 + np.exp(-(1 + 3 / (1 + np.exp(-np.array([2.2, 1.6])))))))))
    expected = (a[0] - 0.2) ** 2 + (a[0] - 0.4) ** 2 + (a[1] - 1.0) ** 2 + a[1] ** 2
    np.testing.assert_allclose(mlp.train(mlp.Config(iterations=0)).loss_history, [expected], rtol=1e-14)


@pytest.mark.parametrize(
    ("iterations", "snapshots"), [(1000, 200), (7, 5), (10, 3), (1, 5), (999, 10), (5, 1000), (20_000, 10)]
)
def test_snapshot_schedule_evenly_spaced_with_both_ends(iterations, snapshots):
    s = snapshot_schedule(iterations, snapshots)
    assert s[0] == 0 and s[-1] == iterations
    assert len(s) == min(snapshots, iterations + 1)
    gaps = np.diff(s)
    assert np.all(gaps >= 1) and gaps.max() - gaps.min() <= 1


@settings(max_examples=200, deadline=None)
@given(iterations=st.integers(0, 1_000_000), snapshots=st.integers(2, 1000))
def test_snapshot_schedule_property(iterations, snapshots):
    s = snapshot_schedule(iterations, snapshots)
    assert s[0] == 0 and s[-1] == iterations and len(s) == min(snapshots, iterations + 1)
    if len(s) > 1:
        gaps = np.diff(s)
        assert gaps.min() >= 1 and gaps.max() - gaps.min() <= 1


def test_train_snapshots_hold_the_weights_of_their_iteration():
    config = mlp.Config(init="normal", iterations=10, snapshots=4, optimizer="momentum", lr=0.3)
    run = mlp.train(config)
    assert run.snapshot_iterations.tolist() == snapshot_schedule(10, 4).tolist() == [0, 3, 7, 10]
    assert len(run.weights) == len(run.gradients) == 4
    for k, weights, grads in zip(run.snapshot_iterations, run.weights, run.gradients):
        shorter = mlp.train(config.replace(iterations=int(k)))
        assert all(np.array_equal(a, b) for a, b in zip(weights, shorter.final_weights))
        expected = mlp.gradients(config.architecture, weights, QUESTION_X, QUESTION_Y).grads
        assert all(np.array_equal(a, b) for a, b in zip(grads, expected))
        np.testing.assert_array_equal(shorter.loss_history, run.loss_history[: k + 1])
    assert all(np.array_equal(a, b) for a, b in zip(run.weights[0], initial(config)))
    np.testing.assert_allclose(run.outputs, mlp.forward(config.architecture, run.final_weights, QUESTION_X), rtol=1e-15)


def test_train_snapshot_index_finds_last_snapshot_at_or_before():
    run = mlp.train(mlp.Config(iterations=10, snapshots=4))  # snapshots at 0, 3, 7, 10
    assert [run.snapshot_index(k) for k in (0, 2, 3, 6, 7, 9, 10, 11)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_train_zero_iterations():
    config = mlp.Config(iterations=0, init="uniform", seed=9)
    run = mlp.train(config)
    assert run.status == "finished" and run.iterations_run == 0
    assert run.snapshot_iterations.tolist() == [0] and len(run.weights) == 1
    assert run.distinct_neurons.shape == (1, 2) and run.symmetry_gap.shape == (1, 2)
    np.testing.assert_array_equal(run.outputs, mlp.forward(config.architecture, initial(config), QUESTION_X))
    assert all(np.array_equal(a, b) for a, b in zip(run.final_weights, initial(config)))


def test_train_memory_bounded_by_snapshots():
    run = mlp.train(mlp.Config(iterations=20_000, snapshots=10))
    assert len(run.snapshot_iterations) == len(run.weights) == len(run.gradients) == 10
    assert run.snapshot_iterations[0] == 0 and run.snapshot_iterations[-1] == 20_000
    assert run.distinct_neurons.shape == run.symmetry_gap.shape == (10, 2)
    assert run.loss_history.shape == (20_001,)


DIVERGING = [
    mlp.Config(activation="linear", output_activation="linear", lr=10, iterations=200, init="normal"),
    mlp.Config(
        data="xor",
        layers=(2, 4, 4, 1),
        activation="linear",
        output_activation="linear",
        loss="mse",
        lr=10,
        iterations=300,
        init="normal",
    ),
    mlp.Config(activation="relu", output_activation="linear", lr=1e6, iterations=100, init="constant"),
    mlp.Config(activation="linear", output_activation="linear", optimizer="momentum", lr=1e3, iterations=100),
]


@pytest.mark.parametrize("config", DIVERGING, ids=["question-linear", "xor-mse", "relu-1e6", "momentum"])
def test_train_divergence_is_a_result(config):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        run = mlp.train(config)
    assert run.status == "diverged"
    assert type(run.diverged_at) is int and 0 < run.diverged_at <= config.iterations
    assert run.loss_history.shape == (run.diverged_at,)
    assert np.isfinite(run.loss_history).all()
    # The record ends on the last weights whose cost was finite, one iteration before divergence.
    assert run.snapshot_iterations[-1] == run.diverged_at - 1
    assert np.isfinite(run.outputs).all()
    assert np.all(np.diff(run.snapshot_iterations) > 0)
    assert run.distinct_neurons.shape == run.symmetry_gap.shape == (len(run.weights), len(config.layers) - 2)
    # The huge weights of the last snapshot are still measured right: clones stay clones and
    # distinct neurons stay distinct.
    np.testing.assert_array_equal(run.distinct_neurons[-1], run.distinct_neurons[0])


def test_train_divergence_at_the_first_cost():
    # 30 linear layers of constant 3000: the very first cost overflows to inf.
    config = mlp.Config(
        layers=(2, *[64] * 30, 2), activation="linear", output_activation="linear", init_scale=3e3, iterations=5,
        snapshots=10,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        run = mlp.train(config)
    assert run.status == "diverged" and run.diverged_at == 0
    assert run.loss_history.shape == (0,) and np.isnan(run.final_loss)
    assert run.snapshot_iterations.tolist() == [0]
    assert run.distinct_neurons.tolist() == [[1] * 30]


def test_train_finished_run_has_no_divergence():
    run = mlp.train(mlp.Config(iterations=5))
    assert run.status == "finished" and run.diverged_at is None


@pytest.mark.parametrize(
    "config",
    [
        mlp.Config(),
        mlp.Config(init="normal", noise=0.3, seed=11, optimizer="adam", lr=0.01, activation="leaky_relu"),
        mlp.Config.from_mapping({"data": "spiral", "points": 60, "init": "he", "seed": 5, "iterations": 200}),
    ],
)
def test_train_same_config_same_run_bit_for_bit(config):
    first, second = mlp.train(config), mlp.train(config)
    np.testing.assert_array_equal(first.loss_history, second.loss_history)
    np.testing.assert_array_equal(first.snapshot_iterations, second.snapshot_iterations)
    for a, b in zip(first.weights, second.weights):
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
    np.testing.assert_array_equal(first.outputs, second.outputs)
    np.testing.assert_array_equal(first.symmetry_gap, second.symmetry_gap)


def test_train_different_seed_different_run():
    a = mlp.train(mlp.Config(init="normal", seed=1, iterations=5))
    b = mlp.train(mlp.Config(init="normal", seed=2, iterations=5))
    assert not np.array_equal(a.loss_history, b.loss_history)


# A sensible learning rate for each optimizer on the mean squared error.
SENSIBLE_LR = {"gd": 1.0, "momentum": 0.2, "adam": 0.05}


@pytest.mark.parametrize("data", mlp.DATASETS)
@pytest.mark.parametrize("optimizer", mlp.OPTIMIZERS)
def test_train_every_optimizer_and_dataset_reduces_loss(optimizer, data):
    # Measured: every pair ends at most 0.86 of its initial cost after 300 iterations.
    config = mlp.Config.from_mapping(
        {"data": data, "optimizer": optimizer, "lr": SENSIBLE_LR[optimizer], "loss": "mse", "init": "normal",
         "iterations": 300, "snapshots": 2}
    )  # fmt: skip
    run = mlp.train(config)
    assert run.status == "finished"
    assert run.final_loss < 0.9 * run.loss_history[0]
    assert run.inputs.shape[0] == run.outputs.shape[0] == run.targets.shape[0]


def test_train_progress_reports_after_every_block_and_at_the_end():
    calls = []
    mlp.train(mlp.Config(iterations=1000), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(499, 1000), (999, 1000), (1000, 1000)]  # blocks of BLOCK = 500 iterations


def test_run_records_data_and_config():
    config = mlp.Config(data="xor", layers=(2, 3, 1), iterations=3)
    run = mlp.train(config)
    assert run.config == config
    np.testing.assert_array_equal(run.inputs, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(run.targets, [[0], [1], [1], [0]])
    assert run.outputs.shape == (4, 1) and run.seconds >= 0.0
