"""mlp.findings: every code on real runs (through the CLI's --json or train()) and on made-up records
that sit just inside and just outside each definition."""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import warnings

import numpy as np
import pytest

import mlp
from mlp.cli import main
from mlp.findings import CODES, Finding, chaotic, findings
from mlp.symmetry import symmetry_history

findings_module = importlib.import_module("mlp.findings")  # `mlp.findings` is the function
# --- helpers ---------------------------------------------------------------------------------------


def cli_findings(capsys, *args: str) -> list[dict]:
    assert main(["--json", *args]) == 0
    return json.loads(capsys.readouterr().out)["findings"]


def codes(said) -> list[str]:
    return [f["code"] if isinstance(f, dict) else f.code for f in said]


def only(said, code: str, layer: int | None = None):
    """The one finding of ``code`` (on ``layer``)."""
    found = [f for f in said if codes([f])[0] == code and (layer is None or _layer(f) == layer)]
    assert len(found) == 1, (code, layer, codes(said))
    return found[0]


def _layer(f):
    return f["layer"] if isinstance(f, dict) else f.layer


def made(config: mlp.Config, weights: list[list[np.ndarray]], loss_history=None, iterations=None) -> mlp.Run:
    """A Run of ``config``'s data holding the given snapshots (evenly spread over ``iterations``)."""
    S = len(weights)
    iterations = S - 1 if iterations is None else iterations
    run = mlp.train(config.replace(iterations=0, snapshots=2))
    symmetry = symmetry_history(weights)
    history = np.linspace(1.0, 0.5, iterations + 1) if loss_history is None else np.asarray(loss_history, float)
    return dataclasses.replace(
        run,
        loss_history=history,
        snapshot_iterations=np.round(np.linspace(0, iterations, S)).astype(int),
        weights=weights,
        gradients=[[np.zeros_like(W) for W in ws] for ws in weights],
        distinct_neurons=symmetry.distinct,
        symmetry_gap=symmetry.gap,
        outputs=mlp.forward(config.architecture, weights[-1], run.inputs),
    )


def every_sentence_is_plain(said: list[Finding]) -> None:
    for f in said:
        assert f.code in CODES and "\n" not in f.sentence and f.sentence.endswith(".")
        assert "break" not in f.sentence.lower(), f.sentence  # noise never "breaks the symmetry"
        json.dumps(f.to_dict(), allow_nan=False)  # plain numbers only


# --- the question's runs ---------------------------------------------------------------------------


def test_question_run_is_clones_saturated_and_a_plateau_not_fitted(capsys):
    said = cli_findings(capsys)
    assert codes(said) == ["clones", "clones", "saturated", "saturated", "plateau"]
    for l in (1, 2):
        clones = only(said, "clones", l)
        assert clones["evidence"] == {"width": 3, "groups": 1, "exact": 1, "tolerance": 1e-13}
        assert (clones["since"], clones["until"]) == (0, 1000)
        assert "acts as one neuron" in clones["sentence"] and "capacity" in clones["sentence"]
    # a^2 at 9-11% and a^3 at 8% of the sigmoid's largest slope at the start; a^1 (36-56%) is not saturated.
    a2, a3 = only(said, "saturated", 2), only(said, "saturated", 3)
    assert a2["evidence"]["slope_min"] == pytest.approx(0.0941126, abs=1e-6)
    assert a2["evidence"]["slope_max"] == pytest.approx(0.1142355, abs=1e-6)
    assert a3["evidence"]["slope_min"] == pytest.approx(0.0757457, abs=1e-6)
    assert a3["evidence"]["slope_max"] == pytest.approx(0.0769155, abs=1e-6)
    assert a2["until"] == 1000 and a3["until"] == 10  # the output leaves saturation within 10 iterations
    assert "9-11% of the sigmoid's largest slope (0.25)" in a2["sentence"] and "speed" in a2["sentence"]
    assert "8% of the sigmoid's largest slope" in a3["sentence"]
    plateau = only(said, "plateau")
    assert plateau["evidence"]["best_constant_cost"] == pytest.approx(0.4, rel=1e-12)
    assert plateau["evidence"]["column_means"] == pytest.approx([0.6, 0.2])
    assert 30 <= plateau["since"] <= 60 and plateau["until"] == 1000
    assert plateau["evidence"]["output_spread"] < 1e-3
    assert "the cost of the best constant answer, 0.4" in plateau["sentence"]
    assert "target column's mean, 0.6 and 0.2" in plateau["sentence"]
    assert "Saturated units in a^2" in plateau["sentence"] and "not lack of capacity" in plateau["sentence"]


def test_question_run_at_10000_is_clones_and_fitted(capsys):
    said = cli_findings(capsys, "--iterations", "10000")
    assert codes(said).count("clones") == 2 and "fitted" in codes(said) and "near_clones" not in codes(said)
    fitted = only(said, "fitted")
    assert 5900 <= fitted["since"] <= 6219 and fitted["until"] == 10000
    assert fitted["evidence"]["cost_below_bound_since"] == pytest.approx(6219, abs=2)  # DESIGN: SSE < 0.0025
    assert fitted["evidence"]["largest_error"] < 0.05
    plateau = only(said, "plateau")
    assert 4000 < plateau["until"] < 5500  # the plateau ends, then the clones fit


@pytest.mark.parametrize("seed", [0, 2])
def test_normal_start_fits_without_clones(capsys, seed):
    said = cli_findings(capsys, "--init", "normal", "--seed", str(seed), "--iterations", "3000")
    assert "fitted" in codes(said)
    assert "clones" not in codes(said) and "near_clones" not in codes(said)


def test_xor_clones_never_fit(capsys):
    said = cli_findings(capsys, "--data", "xor", "--layers", "2,4,1", "--iterations", "20000")
    assert "clones" in codes(said) and "fitted" not in codes(said)
    plateau = only(said, "plateau")
    assert plateau["evidence"]["cost_low"] == pytest.approx(0.667, abs=1e-3)
    assert plateau["until"] == 20000 and "times the cost of the best constant answer (1)" in plateau["sentence"]


@pytest.mark.parametrize(("scale", "proved"), [("-0.5", 1590), ("-1", 1407)])
def test_clones_that_start_elsewhere_fit_fast(capsys, scale, proved):
    said = cli_findings(capsys, "--init-scale", scale, "--iterations", "3000")
    assert codes(said).count("clones") == 2 and "fitted" in codes(said) and "plateau" not in codes(said)
    fitted = only(said, "fitted")
    assert fitted["since"] <= proved
    assert fitted["evidence"]["cost_below_bound_since"] == pytest.approx(proved, abs=2)  # DESIGN's figures


# --- step_too_large --------------------------------------------------------------------------------

CIRCLE = {"data": "circle", "layers": "2,16,16,1", "init": "xavier"}  # 200 points; sigmoid, sse, gd, lr 0.5


def circle_run(**settings) -> mlp.Run:
    return mlp.train(mlp.Config.from_mapping(CIRCLE | settings))


@pytest.fixture(scope="module")
def sse_circle() -> mlp.Run:
    return circle_run(iterations=1000)


def test_sse_on_200_points_is_a_step_too_large(sse_circle):
    said = findings(sse_circle)
    every_sentence_is_plain(said)
    assert codes(said) == ["step_too_large"]  # nothing else explains the run: no clones, no saturation at the start
    step = said[0]
    e = step.evidence
    assert (step.layer, step.since, step.until) == (None, 0, 1000)
    assert (e["observations"], e["lr"], e["lr_per_observation"], e["suggested_lr"]) == (200, 0.5, 100.0, 0.0025)
    assert e["first_cost"] == pytest.approx(48.90161, abs=1e-5) and e["final_cost"] == pytest.approx(51.0, abs=1e-6)
    assert e["best_constant_cost"] == pytest.approx(51 * 149 / 200, rel=1e-12)  # 51 of the 200 points inside
    # The first step moves n^3 by 71 where the sigmoid is steep only for |n| < 2.89 (4 a (1 - a) = 0.2 there).
    assert e["layer"] == 3 and e["step"] == pytest.approx(71.1, abs=0.1)
    assert e["steep_width"] == pytest.approx(sigmoid_at(0.2), rel=1e-12)
    assert e["stuck_shares"][2] == 1.0 and np.all(sse_circle.outputs < 1e-3)  # every output 0
    assert np.max(np.abs(sse_circle.gradients[-1][0])) < 1e-8  # so every gradient 0
    for text in ("sse adds up the errors of all 200 observations", "lr 0.5 takes the step that lr 100 would take",
                 "moves n^3 by 71", "|n| < 2.9", "from 48.9 to 51", "best constant answer (37.99)",
                 "100% of a^3's units x observations", "Use mse", "lr 0.0025 (0.5 / 200) with sse"):  # fmt: skip
        assert text in step.sentence, text


@pytest.mark.slow
def test_the_same_network_with_mse_and_lr_1_learns_without_the_finding():
    run = circle_run(loss="mse", lr=1, iterations=3000)
    assert run.loss_history[0] == pytest.approx(0.2445, abs=1e-4) and run.final_loss == pytest.approx(0.0784, abs=1e-4)
    assert "step_too_large" not in codes(findings(run))


def test_the_learning_rate_divided_by_the_count_does_not_saturate(sse_circle):
    run = circle_run(lr=0.5 / 200, iterations=300)
    assert "step_too_large" not in codes(findings(run))
    c = findings_module._Context(run, len(run.weights) - 1)
    assert findings_module._step(c, 3) == pytest.approx(findings(sse_circle)[0].evidence["step"] / 200, rel=1e-9)


def test_momentum_is_counted_at_the_step_it_builds_up_to():
    step = only(findings(circle_run(optimizer="momentum", lr=0.05, iterations=300)), "step_too_large")
    assert step.evidence["step"] == pytest.approx(71.1, abs=0.1)  # 10 x lr 0.05 is gd's lr 0.5
    assert "The steps momentum builds up to (10 times the first) move n^3 by 71" in step.sentence
    assert "lr 0.05 takes the step that lr 10 would take" in step.sentence


def test_adam_and_other_costs_are_left_out():
    for settings in ({"optimizer": "adam"}, {"loss": "mse", "lr": 100}):
        assert "step_too_large" not in codes(findings(circle_run(iterations=100, **settings)))


@pytest.mark.parametrize("iterations", [1000, 10_000])
def test_the_questions_two_observations_never_take_a_step_too_large(iterations, default_run):
    run = default_run if iterations == 1000 else mlp.train(mlp.Config(iterations=iterations))
    assert "step_too_large" not in codes(findings(run))


def test_a_large_step_on_few_observations_is_not_blamed_on_the_count():
    lr_100 = mlp.train(mlp.Config(lr=100.0, iterations=100))  # sse on the question's 2 observations
    assert "step_too_large" not in codes(findings(lr_100))


def test_step_too_large_thresholds(monkeypatch, sse_circle):
    e = findings(sse_circle)[0].evidence
    ratio = e["step"] / e["steep_width"]
    monkeypatch.setattr(findings_module, "STEP_SHARE", ratio * (1 + 1e-9))
    assert "step_too_large" not in codes(findings(sse_circle))
    monkeypatch.setattr(findings_module, "STEP_SHARE", ratio * (1 - 1e-9))
    assert "step_too_large" in codes(findings(sse_circle))
    monkeypatch.setattr(findings_module, "STEP_OBSERVATIONS", 201)
    assert "step_too_large" not in codes(findings(sse_circle))
    monkeypatch.setattr(findings_module, "STEP_OBSERVATIONS", 200)
    monkeypatch.setattr(findings_module, "STUCK_SHARE", 1 + 1e-9)  # a^3 is stuck on 100%: no layer is over 100%
    assert "step_too_large" not in codes(findings(sse_circle))


def test_a_run_that_learned_something_is_no_step_too_large(sse_circle):
    # The same record, but the cost ends 1.1% under the best constant answer's (the limit is 1%).
    e = findings(sse_circle)[0].evidence
    for end, said in ((0.989, False), (0.991, True)):
        history = sse_circle.loss_history.copy()
        history[-1] = end * e["best_constant_cost"]
        run = dataclasses.replace(sse_circle, loss_history=history)
        assert ("step_too_large" in codes(findings(run))) == said


# --- tiny differences ------------------------------------------------------------------------------


@pytest.mark.slow
def test_tiny_noise_on_xor_is_near_clones_like_the_clone_run():
    run = mlp.train(mlp.Config(data="xor", layers=(2, 4, 1), noise=1e-6, iterations=100_000))
    assert run.final_loss == pytest.approx(0.6668824, abs=1e-7)
    said = findings(run)
    every_sentence_is_plain(said)
    assert "clones" not in codes(said) and "fitted" not in codes(said)
    near = only(said, "near_clones", 1)
    assert near.since == 0 and near.until == 100_000
    assert near.evidence["groups"] == 1 and 1e-4 < near.evidence["distance"] < 1e-2
    assert near.evidence["output_change"] < 1e-6  # merging the four neurons into one changes nothing visible
    assert "nearly clones" in near.sentence and "what one neuron would" in near.sentence


def test_noise_1e_17_leaves_every_weight_1():
    run = mlp.train(mlp.Config(noise=1e-17))
    assert all(np.all(W == 1.0) for W in run.weights[0])
    said = findings(run)
    assert codes(said).count("clones") == 2 and all(f.evidence["exact"] == 1 for f in said if f.code == "clones")


def test_clones_that_drift_apart_by_rounding_become_near_clones():
    # 2e-15 of noise: clones (within 1e-13) at first, then the differences grow past the tolerance
    # (at iteration 3,417; with 1e-15 they stay within it for 20,000 iterations).
    run = mlp.train(mlp.Config(data="xor", layers=(2, 4, 1), noise=2e-15, iterations=20_000))
    said = findings(run)
    clones, near = only(said, "clones", 1), only(said, "near_clones", 1)
    assert clones.since == 0 and 0 < clones.until < 20_000 and "grew past that tolerance" in clones.sentence
    assert near.since == 0 and near.evidence["distance"] < 1e-11


def test_a_start_of_1e_12_was_never_apart():
    run = mlp.train(mlp.Config(init="uniform", init_scale=1e-12))
    said = findings(run)
    assert "clones" not in codes(said)
    for l in (1, 2):
        assert only(said, "near_clones", l).since == 0  # nearly clones from the start: never "became equal"
    assert not any("became" in f.sentence for f in said)


# --- blew_up, diverged, dead, width 1 --------------------------------------------------------------


def test_exploding_relu_run_blew_up_without_clones(capsys):
    said = cli_findings(capsys, "--activation", "relu", "--output-activation", "linear", "--init", "xavier",
                        "--init-scale", "3", "--iterations", "2000")  # fmt: skip
    assert "clones" not in codes(said) and "near_clones" not in codes(said) and "plateau" not in codes(said)
    blew = only(said, "blew_up")
    assert blew["evidence"]["cost_start"] == pytest.approx(257.04, rel=1e-4)
    assert blew["evidence"]["cost_end"] == pytest.approx(3.66e17, rel=1e-2)
    assert blew["evidence"]["largest_weight_end"] == pytest.approx(4.64e14, rel=1e-2)
    assert blew["until"] == 2000 and "blew up" in blew["sentence"]


def test_diverged_run_says_where():
    run = mlp.train(mlp.Config(init="normal", lr=5.0, activation="linear", output_activation="linear"))
    said = findings(run)
    diverged = only(said, "diverged")
    assert diverged.since == diverged.until == run.diverged_at == 3
    assert diverged.evidence["last_finite_cost"] == run.final_loss and "blew_up" not in codes(said)


def test_diverged_at_iteration_0_says_only_that():
    config = mlp.Config(data="custom", inputs=((1e6,),), targets=((0.0,),), layers=(1,) + (3,) * 29 + (1,),
                        init_scale=1e6, iterations=5, activation="linear", output_activation="linear")  # fmt: skip
    said = findings(mlp.train(config))
    assert codes(said)[0] == "diverged" and said[0].since == 0


def dead_relu_config() -> mlp.Config:
    return mlp.Config(data="seed", layers=(2, 3, 2), activation="relu", output_activation="sigmoid")


def test_dead_relu_units_on_constructed_weights():
    # Inputs (0.8, 0.4) and (0.3, 0.3). Neuron 0: bias -1, weights negative: 0 for both, dead.
    # Neuron 1: n = -1 + 2 x_1, positive on the first observation only: alive (the near miss).
    # Neuron 2: n = 0.5: alive.
    W0 = np.array([[-1.0, -1.0, 0.5], [-0.5, 2.0, 0.0], [-0.5, 0.0, 0.0]])
    W1 = np.full((4, 2), 0.3)
    said = findings(made(dead_relu_config(), [[W0, W1], [W0, W1]]))
    dead = only(said, "dead", 1)
    assert dead.evidence == {"dead": 1, "width": 3, "units": [0]} and dead.since == 0
    assert "1 of its 3 neurons (0)" in dead.sentence


def test_a_relu_unit_alive_on_one_observation_is_not_dead():
    W0 = np.array([[-1.0, -1.0], [-0.5, 2.0], [-0.5, 0.0]])  # neuron 1 is 0.6 on the first observation
    W1 = np.full((3, 2), 0.3)
    config = mlp.Config(data="seed", layers=(2, 2, 2), activation="relu")
    said = findings(made(config, [[W0, W1]]))
    assert only(said, "dead", 1).evidence["units"] == [0]
    W0[0, 0] = 0.3  # neuron 0: n = 0.3 - 0.5 (x_1 + x_2) is -0.3 and exactly 0: still dead
    assert only(findings(made(config, [[W0, W1]])), "dead", 1).evidence["units"] == [0]
    W0[0, 0] = 0.35  # n = 0.05 on the second observation: alive
    assert "dead" not in codes(findings(made(config, [[W0, W1]])))


@pytest.mark.parametrize("layers", [(2, 1, 1), (2, 1, 3, 1), (2, 1, 1, 1)])
def test_width_one_layers_are_never_clones(layers):
    run = mlp.train(mlp.Config(data="and", layers=layers))  # constant start: wider layers are clones
    said = findings(run)
    assert all(f.layer not in [l for l, n in enumerate(layers) if n == 1] for f in said if "clones" in f.code)
    assert ("clones" in codes(said)) == (3 in layers)
    if 3 not in layers:
        assert not any("clone" in f.sentence or "symmetr" in f.sentence for f in said)


# --- near misses on constructed records ------------------------------------------------------------


def two_neuron_config(**kwargs) -> mlp.Config:
    return mlp.Config(data="seed", layers=(2, 2, 2), **kwargs)


def pair(r: float, scale: float = 1.0) -> list[np.ndarray]:
    """Weights of 2-2-2 whose hidden neurons are ``r`` apart (relative), all multiplied by ``scale``."""
    rng = np.random.default_rng(11)
    u = rng.normal(size=5)  # (3 incoming with bias, 2 outgoing)
    e = rng.normal(size=5)
    V = np.array([u, u + r * np.linalg.norm(u) * e / np.linalg.norm(e)])
    return [scale * V[:, :3].T, scale * np.vstack([[0.1, -0.1], V[:, 3:]])]


@pytest.mark.parametrize(("r", "expected"), [(5e-14, "clones"), (2e-13, "near_clones"), (5e-3, "near_clones")])
def test_clones_and_near_clones_by_distance(r, expected):
    said = findings(made(two_neuron_config(), [pair(r)]))
    assert [c for c in codes(said) if "clones" in c] == [expected]


def test_neurons_farther_than_1e_2_are_not_near_clones():
    said = findings(made(two_neuron_config(), [pair(2e-2)]))
    assert "near_clones" not in codes(said) and "clones" not in codes(said)


def test_close_neurons_that_change_the_outputs_are_not_near_clones():
    # Linear units: merging a pair r apart moves a^L by (o_0 - o_1)(n_0 - n_1) / 2, of order r^2 |o| |n|.
    # Scaled by 100 the pair is as close (r does not change), but the outputs move 10,000 times more.
    config = two_neuron_config(activation="linear", output_activation="linear")
    near = only(findings(made(config, [pair(5e-3)])), "near_clones", 1)
    assert near.evidence["output_change"] < 1e-3
    far = findings(made(config, [pair(5e-3, scale=100.0)]))
    assert "near_clones" not in codes(far) and "clones" not in codes(far)


def sigmoid_at(rho: float) -> float:
    """The pre-activation ``n`` where the sigmoid's slope is ``rho`` of its largest: ``1 / cosh(n / 2)^2 = rho``."""
    return 2.0 * math.acosh(math.sqrt(1.0 / rho))


@pytest.mark.parametrize(("rho", "saturated"), [(0.19, True), (0.21, False)])
def test_saturated_threshold(rho, saturated):
    # Hidden neurons get n = bias only (zero input weights): both at slope rho on both observations.
    n = sigmoid_at(rho)
    W0 = np.array([[n, -n], [0.0, 0.0], [0.0, 0.0]])
    W1 = np.zeros((3, 2))
    said = findings(made(two_neuron_config(), [[W0, W1]]))
    assert ("saturated" in codes(said)) == saturated
    if saturated:
        assert only(said, "saturated", 1).evidence["slope_max"] == pytest.approx(rho, rel=1e-9)


def test_saturated_needs_half_the_units_and_observations():
    n = sigmoid_at(0.1)
    W1 = np.zeros((3, 2))
    # Neuron 0 at slope 0.1 on both observations, neuron 1 at n = 0 (slope 1): half, which is "most".
    half = findings(made(two_neuron_config(), [[np.array([[n, 0.0], [0.0, 0.0], [0.0, 0.0]]), W1]]))
    assert only(half, "saturated", 1).evidence["share_below"] == 0.5
    # Neuron 0 with n = n on the first observation (x_2 = 0.4) and 0 on the second (x_2 = 0.3): a quarter.
    W0 = np.array([[-30 * n, 0.0], [0.0, 0.0], [100 * n, 0.0]])
    assert "saturated" not in codes(findings(made(two_neuron_config(), [[W0, W1]])))


def plateau_run(history: np.ndarray) -> mlp.Run:
    config = two_neuron_config(init="normal")
    weights = mlp.initial_weights(config.layers, "normal", 1.0, 0.0, 0)
    return made(config, [weights, weights], loss_history=history, iterations=len(history) - 1)


def test_plateau_band_length_and_fitted_floor():
    N = 1000
    falling = np.geomspace(1.0, 1e-3, N + 1)
    band = falling.copy()
    band[100:300] = np.linspace(0.3, 0.3 / 1.019, 200)  # 1.9% over 20% of the run
    said = findings(plateau_run(band))
    plateau = only(said, "plateau")
    assert (plateau.since, plateau.until) == (100, 299)
    steps = falling.copy()
    steps[100:200], steps[200:300] = 0.3, 0.3 / 1.019  # one stretch within 2%: 20% of the run
    plateau = only(findings(plateau_run(steps)), "plateau")
    assert (plateau.since, plateau.until) == (100, 299)
    wide = steps.copy()
    wide[200:300] = 0.3 / 1.021  # two stretches of 100 iterations, each under 10% of the run (b - a = 99)
    short = falling.copy()
    short[100:190] = 0.3  # 9% of the run
    fitted = falling.copy()
    fitted[100:300] = 0.004  # below the fitted cost of sse on 2 x 2 outputs: 4 x 0.05^2 = 0.01
    for history in (wide, short, fitted, falling):
        assert "plateau" not in codes(findings(plateau_run(history)))


def test_plateau_at_another_level_says_how_far_from_the_constant_answer():
    history = np.full(1001, 0.8)
    plateau = only(findings(plateau_run(history)), "plateau")
    assert "2 times the cost of the best constant answer (0.4)" in plateau.sentence


@pytest.mark.parametrize(("rise", "blew"), [(900.0, False), (1100.0, True)])
def test_blew_up_threshold_on_the_cost(rise, blew):
    history = np.linspace(1.0, rise, 101)
    assert ("blew_up" in codes(findings(plateau_run(history)))) == blew


def test_blew_up_threshold_on_the_weights():
    config = two_neuron_config(init="normal")
    W = mlp.initial_weights(config.layers, "normal", 1.0, 0.0, 0)
    top = max(1.0, max(np.abs(w).max() for w in W))
    for factor, blew in ((0.9e6, False), (1.1e6, True)):
        grown = [w.copy() for w in W]
        grown[1][0, 0] = factor * top
        assert ("blew_up" in codes(findings(made(config, [W, grown])))) == blew


@pytest.mark.parametrize(("error", "fitted"), [(0.049, True), (0.051, False)])
def test_fitted_threshold(error, fitted):
    run = made(two_neuron_config(), [pair(0.5)])
    run = dataclasses.replace(run, outputs=run.targets + np.array([[error, 0.0], [0.0, -0.01]]))
    assert ("fitted" in codes(findings(run))) == fitted


# --- cost and robustness ---------------------------------------------------------------------------


def test_findings_run_few_forward_passes(monkeypatch):
    calls = []
    real = mlp.activations
    monkeypatch.setattr(mlp, "activations", lambda *a: calls.append(1) or real(*a))
    run = mlp.train(mlp.Config(iterations=10_000))
    findings(run)
    # 200 snapshots: bisections of at most 8 steps for saturated (x2) and fitted, plus the first and last.
    assert len(calls) <= 3 * 8 + 4


EDGE_CONFIGS = [
    mlp.Config(init="normal", init_scale=1e6),
    mlp.Config(init="normal", init_scale=1e6, activation="tanh"),
    mlp.Config(init="normal", init_scale=1e6, activation="relu", output_activation="linear"),
    mlp.Config(init="normal", lr=100.0, optimizer="momentum", activation="linear", output_activation="linear"),
    mlp.Config(init="constant", init_scale=-1.0, activation="relu"),
    mlp.Config(data="custom", inputs=((0.8, 0.4),), targets=((0.2, 0.4),)),
    mlp.Config(layers=(2,) + (3,) * 18 + (2,), init="normal"),
    mlp.Config(layers=(2, 2), iterations=5),
    mlp.Config(iterations=0),
    mlp.Config(data="circle", layers=(2, 8, 1), loss="cross_entropy", init="he", iterations=300),
    mlp.Config(data="circle", layers=(2, 8, 1), init="xavier", lr=5.0, iterations=300),
    mlp.Config(data="circle", layers=(2, 8, 1), activation="relu", output_activation="linear", lr=5.0, iterations=30),
]


@pytest.mark.parametrize("config", EDGE_CONFIGS, ids=lambda c: "-".join(map(str, c.layers)) + f"-{c.activation}")
def test_edge_runs_give_plain_findings_without_warnings(config):
    run = mlp.train(config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        said = findings(run)
    every_sentence_is_plain(said)
    assert ("diverged" in codes(said)) == (run.status == "diverged")
    if run.status == "diverged":
        assert codes(said)[0] == "diverged"


def test_dead_relu_edge_is_all_dead_and_clones():
    said = findings(mlp.train(mlp.Config(init="constant", init_scale=-1.0, activation="relu")))
    assert only(said, "dead", 1).evidence["dead"] == 3 and only(said, "dead", 2).since == 0
    assert codes(said).count("clones") == 2


# --- chaotic ---------------------------------------------------------------------------------------


def test_chaotic_run_parts_from_a_start_1e_12_away():
    # The configuration whose sweep cell and rerun disagreed: XOR 2-4-1 tanh, normal 0.5, lr 5, gd, seed 1
    # (it ended at 0.000352 with the sigmoid written (1 + tanh(n/2)) / 2, at 0.000576 with 1 / (1 + e^-n)).
    config = mlp.Config(data="xor", layers=(2, 4, 1), activation="tanh", init="normal", init_scale=0.5,
                        lr=5.0, seed=1, iterations=300)  # fmt: skip
    run = mlp.train(config)
    found = chaotic(config, run)
    assert found is not None and found.code == "chaotic"
    assert found.evidence["cost"] == run.final_loss == pytest.approx(0.000576, rel=1e-2)
    moved = mlp.train(config.replace(init_scale=0.5 * (1 - 1e-12))).final_loss
    assert found.evidence["cost_moved"] == moved
    assert abs(moved - run.final_loss) > 0.01 * run.final_loss
    assert 0 < found.since < 300 and "1e-12" in found.sentence


def test_calm_runs_are_not_chaotic():
    assert chaotic(mlp.Config(iterations=300)) is None
    calm = mlp.Config(data="xor", layers=(2, 4, 1), activation="tanh", init="normal", init_scale=0.5, lr=0.5, seed=1)
    assert chaotic(calm.replace(iterations=300)) is None
    assert chaotic(mlp.Config(init_scale=0.0, iterations=10)) is None  # a start of zeros cannot move by 1e-12 of itself


def test_findings_module_names_every_code_in_its_docstring():
    for code in CODES:
        assert f"``{code}``" in findings_module.__doc__


@pytest.mark.parametrize("loss", list(mlp.LOSSES))
def test_cost_terms_add_up_to_the_engines_cost(loss):
    rng = np.random.default_rng(12)
    n = rng.normal(size=(5, 3))
    a = 1.0 / (1.0 + np.exp(-n))
    Y = rng.uniform(size=(5, 3))
    total = np.sum(findings_module._cost_terms(loss, a, Y))
    assert total == pytest.approx(mlp.LOSSES[loss].value(n[None], a[None], Y[None])[0], rel=1e-12)


def test_some_clones_in_a_layer_say_which_and_what_the_layer_acts_as():
    # Hidden neurons 0 and 2 equal, neuron 1 different: two groups; then neuron 2 moved by 1e-6 of its size.
    config = mlp.Config(data="seed", layers=(2, 3, 2))
    W0 = np.array([[0.5, -1.0, 0.5], [1.0, 2.0, 1.0], [-0.5, 0.3, -0.5]])
    W1 = np.array([[0.1, 0.2], [0.7, -0.4], [0.3, 0.3], [0.7, -0.4]])
    clones = only(findings(made(config, [[W0, W1]])), "clones", 1)
    assert clones.evidence["groups"] == 2 and clones.evidence["exact"] == 1
    assert "neurons 0=2 are clones" in clones.sentence and "its 3 neurons act as 2" in clones.sentence
    W0 = W0.copy()
    W0[1, 2] *= 1 + 1e-6
    said = findings(made(config, [[W0, W1]]))
    near = only(said, "near_clones", 1)
    assert "clones" not in codes(said) and near.evidence["groups"] == 2
    assert "neurons 0=2 are nearly clones" in near.sentence and "its 3 neurons still compute what 2 neurons would" in (
        near.sentence
    )


def test_a_plateaus_range_has_the_digits_that_tell_its_ends_apart():
    """'between 2 and 2' said nothing: the range gets the digits its ends need, or one value when none do."""
    assert findings_module._between(0.40021, 0.40068) == "between 0.4002 and 0.4007"
    assert findings_module._between(2.0000031, 2.0000047) == "between 2.000003 and 2.000005"
    assert findings_module._between(2.0, 2.0 + 1e-15) == "at 2"
    run = mlp.train(mlp.Config(layers=(2, 100, 2)))  # 100 clones saturated from the start: the cost does not move
    plateau = only(findings(run), "plateau")
    assert "the cost stays at 2, " in plateau.sentence
    assert abs(plateau.evidence["cost_high"] - plateau.evidence["cost_low"]) < 1e-11
