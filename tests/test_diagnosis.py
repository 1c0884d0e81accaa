"""lab.diagnosis: the sentences said about real runs and about symmetry records made by hand."""

import dataclasses

import numpy as np

import mlp
from lab.diagnosis import diagnose, headline, status_sentence

WHY = "neurons that start equal get equal gradients"


def with_record(run: mlp.Run, distinct: list[list[int]], gap: list[list[float]]) -> mlp.Run:
    """``run`` with its first snapshots' symmetry record replaced (one row a snapshot)."""
    s = len(distinct)
    return dataclasses.replace(
        run, snapshot_iterations=run.snapshot_iterations[:s], weights=run.weights[:s],
        distinct_neurons=np.array(distinct), symmetry_gap=np.array(gap, dtype=float),
    )


def test_diagnose_default_run_says_every_layer_is_clones(default_run):
    sentences = diagnose(default_run)
    assert sentences[:2] == [
        "Hidden layer 1: all 3 neurons are clones at every iteration (gap exactly 0): the layer acts as one neuron.",
        "Hidden layer 2: all 3 neurons are clones at every iteration (gap exactly 0): the layer acts as one neuron.",
    ]
    assert sentences[2].startswith("Every weight started at the same value, so neurons that start equal get equal")
    assert "A random initialization (uniform, normal, xavier, he) or noise > 0 breaks the symmetry." in sentences[2]


def test_diagnose_random_start_is_not_symmetric(normal_run):
    sentences = diagnose(normal_run)
    assert sentences[0] == "Hidden layer 1 is not symmetric: its 3 neurons are all different at iteration 1,000."
    assert sentences[1].startswith("Hidden layer 2 is not symmetric")
    assert sentences[2].startswith("The random start made the neurons different from iteration 0.")
    assert WHY in sentences[2]


def test_diagnose_says_when_symmetry_broke(default_run):
    run = with_record(default_run, [[1, 1], [2, 1], [3, 1], [3, 1]], [[1e-9, 0], [1e-5, 0], [0.1, 0], [0.2, 0]])
    sentences = diagnose(run)
    assert sentences[0] == (
        "Hidden layer 1 is not symmetric: its 3 neurons are all different at iteration 15. "
        "The symmetry broke during training: 1 distinct at iteration 0, 3 first at iteration 10."
    )
    assert sentences[1].startswith("Hidden layer 2: all 3 neurons are clones")


def test_diagnose_partly_symmetric_layer_acts_as_fewer_neurons(default_run):
    run = with_record(default_run, [[2, 3], [2, 3]], [[0, 0.5], [0, 0.4]])
    assert diagnose(run)[0] == (
        "Hidden layer 1 is symmetric: its 3 neurons are only 2 distinct ones at iteration 5 (the rest are clones), "
        "so the layer acts as 2 neurons."
    )


def test_diagnose_tiny_noise_is_clones_within_tolerance():
    sentences = diagnose(mlp.train(mlp.Config(noise=1e-15, iterations=50)))  # 1e-9 apart is not a clone (1e-13)
    assert "clones at every iteration (gap exactly 0)" in sentences[0]
    assert sentences[-1].startswith("The noise (std 1e-15) added to the start was too small")
    assert WHY in sentences[-1]


def test_diagnose_diverged_run_says_so_first():
    run = mlp.train(mlp.Config(activation="linear", output_activation="linear", lr=50))
    expected = "Training diverged at iteration 3 (the cost became infinite or NaN); the figures stop there."
    assert run.diverged_at == 3
    assert diagnose(run)[0] == expected
    assert status_sentence(run) == expected


def test_diagnose_without_hidden_layer():
    assert diagnose(mlp.train(mlp.Config(layers=(2, 2), iterations=5))) == [
        "This network has no hidden layer, so there are no hidden neurons that could be symmetric."
    ]


def test_diagnose_one_neuron_layer_cannot_be_symmetric():
    sentences = diagnose(mlp.train(mlp.Config(layers=(2, 1, 3, 2), init="normal", iterations=5)))
    assert sentences[0] == "Hidden layer 1 has a single neuron: there is no pair of neurons to be symmetric."


def test_status_sentence_finished_run(default_run):
    assert status_sentence(default_run) == "Finished 1,000 iterations; final cost 0.4002 (sse)."


def test_headline_names_the_network_the_clones_act_as():
    text = headline(mlp.train(mlp.Config(iterations=10)))
    assert "this 2-3-3-2 network computes only what a 2-1-1-2 network can" in text
    assert "equal gradients" in text
    assert headline(mlp.train(mlp.Config(init="normal", iterations=10))) is None
