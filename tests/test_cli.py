"""`python -m mlp`: the summary, the trace and the JSON object the README promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp import Config, accuracy, findings, recipe, train
from mlp.cli import main, parse_config
from mlp.findings import CODES

ROOT = Path(__file__).resolve().parents[1]


def run_json(capsys, *args: str) -> dict:
    assert main(["--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_default_summary_is_the_questions_run(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "2-3-3-2, sigmoid/sigmoid, cost sse, init constant 1" in out
    assert "0.5992706   0.1997657   0.2000000   0.4000000" in out  # the question printed 0.5992708, 0.1997655
    said = [f.sentence for f in findings(train(Config()))]
    assert out.endswith("findings:\n" + "".join(f"- {sentence}\n" for sentence in said))
    assert [s.split(":")[0] for s in said[:2]] == ["Hidden layer 1", "Hidden layer 2"]
    assert "hidden layer 1: 1 distinct" not in out  # the findings replace the old per-layer lines


def test_products_summed_in_order_print_the_questions_numbers_too(capsys):
    assert main(["--products", "in_order"]) == 0
    out = capsys.readouterr().out
    assert "1,000 iterations on data 'seed', products summed in order\n" in out
    assert "0.5992706   0.1997657   0.2000000   0.4000000" in out  # as summed by BLAS, to the 7 digits printed


def test_summary_without_findings_says_none(capsys):
    assert main(["--init", "normal", "--iterations", "20", "--layers", "2,2"]) == 0
    assert capsys.readouterr().out.endswith("findings: none\n")


def test_json_has_every_promised_key(capsys):
    data = run_json(capsys, "--iterations", "50")
    for key in ("config", "status", "iterations_run", "final_loss", "accuracy", "outputs", "targets",
                "distinct_neurons", "symmetry_gap", "loss_history", "first_gradients", "findings"):  # fmt: skip
        assert key in data, key
    assert data["status"] == "finished" and data["iterations_run"] == 50
    assert len(data["loss_history"]) == 51 and data["distinct_neurons"] == [1, 1] and data["symmetry_gap"] == [0, 0]
    assert [np.shape(g) for g in data["first_gradients"]] == [(3, 3), (4, 3), (4, 2)]


def test_json_findings_are_the_runs_findings(capsys):
    data = run_json(capsys, "--iterations", "50")
    expected = [f.to_dict() for f in findings(train(Config(iterations=50)))]
    assert data["findings"] == json.loads(json.dumps(expected))
    for f in data["findings"]:
        assert list(f) == ["code", "layer", "since", "until", "evidence", "sentence"] and f["code"] in CODES
    assert [f["code"] for f in data["findings"]][:2] == ["clones", "clones"]


def test_json_with_zero_iterations_gives_the_initial_network(capsys):
    data = run_json(capsys, "--iterations", "0")
    np.testing.assert_allclose(data["outputs"], [[0.9806907, 0.9806907], [0.9803864, 0.9803864]], atol=1e-7)
    # The question's gradient table for the last matrix, bias row first.
    np.testing.assert_allclose(
        data["first_gradients"][2], [[0.0288126, 0.0596958], *[[0.028122, 0.0580562]] * 3], atol=1.5e-7
    )


def test_trace_prints_every_matrix_in_the_questions_order(capsys):
    assert main(["--trace", "--iterations", "1"]) == 0
    out = capsys.readouterr().out
    order = ["[1 | a^0]", "n^1", "a^1", "a^3  (forward)", "dC/da^3", "da^3/dn^3", "delta^3", "dC/dW^2", "dC/da^2",
             "dC/dW^0"]  # fmt: skip
    positions = [out.index(symbol) for symbol in order]
    assert positions == sorted(positions)
    assert "0.9002495" in out and "0.9758906" in out  # a^1 and a^2 as the question printed them


def test_data_file_trains_on_a_csv(tmp_path, capsys):
    (tmp_path / "xor.csv").write_text("x1,x2,y1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    data = run_json(capsys, "--data-file", str(tmp_path / "xor.csv"), "--init", "normal", "--iterations", "5")
    assert data["config"]["data"] == "custom" and data["config"]["layers"] == [2, 3, 3, 1]
    assert data["targets"] == [[0.0], [1.0], [1.0], [0.0]]


def test_exported_run_reruns_identically(tmp_path, capsys):
    first = run_json(capsys, "--init", "xavier", "--seed", "7", "--iterations", "30")
    (tmp_path / "run.json").write_text(json.dumps(first))
    again = run_json(capsys, "--config", str(tmp_path / "run.json"))
    assert again["loss_history"] == first["loss_history"]


@pytest.mark.parametrize("value", ["-1e-300", "-2.5"])
def test_negative_values_follow_their_flag(capsys, value):
    data = run_json(capsys, "--init-scale", value, "--iterations", "0")
    assert data["config"]["init_scale"] == float(value)


def test_module_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "mlp", "--iterations", "3"], capture_output=True, text=True)
    assert done.returncode == 0 and "status    finished" in done.stdout and not done.stderr


# The accuracy beside the cost, and --recipe.


def test_summary_prints_the_accuracy_beside_the_cost(capsys):
    assert main(["--data", "xor", "--layers", "2,4,1", "--iterations", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    # Every weight 1: every output is 0.99, on the right side for the 2 targets of 1.
    assert accuracy(train(Config(data="xor", layers=(2, 4, 1), iterations=0))) == 0.5
    cost = next(i for i, line in enumerate(out) if line.startswith("cost "))
    assert out[cost + 1] == "accuracy  50.0%: 2 of 4 observations with every output on the right side of 0.5"
    assert main(["--iterations", "0"]) == 0
    assert "accuracy" not in capsys.readouterr().out  # the question's targets are not classes


def test_json_has_the_accuracy(capsys):
    assert run_json(capsys, "--data", "xor", "--layers", "2,4,1", "--iterations", "0")["accuracy"] == 0.5
    assert run_json(capsys, "--iterations", "0")["accuracy"] is None


def recipe_of(data: str, **settings) -> Config:
    return recipe(Config.from_mapping({"data": data, **settings}))


def test_recipe_comes_before_the_other_flags(tmp_path):
    args = ["--data", "spiral", "--points", "60", "--data-seed", "3", "--seed", "4", "--recipe"]
    assert parse_config(args) == recipe_of("spiral", points=60, data_seed=3, seed=4)
    assert parse_config([*args, "--lr", "0.05", "--layers", "2,8,1"]) == recipe_of(
        "spiral", points=60, data_seed=3, seed=4
    ).replace(lr=0.05, layers=(2, 8, 1))
    # The settings of a file are replaced by the recipe, but not its data and its seed.
    (tmp_path / "run.json").write_text(json.dumps({"data": "xor", "layers": [2, 9, 1], "lr": 3, "seed": 2}))
    assert parse_config(["--config", str(tmp_path / "run.json"), "--recipe"]) == recipe_of("xor", seed=2)
    assert parse_config(["--recipe", "--data", "and"]) == recipe_of("and")  # where the flag stands does not matter


def test_recipe_for_custom_data_is_one_sentence(tmp_path, capsys):
    (tmp_path / "xor.csv").write_text("x1,x2,y1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert main(["--data-file", str(tmp_path / "xor.csv"), "--recipe"]) == 2
    named = "seed, xor, and, or, circle, spiral, blobs"
    assert capsys.readouterr().err == f"error: data: 'custom' has no recipe; the data sets with one are {named}.\n"


# Parsing: flags, help and schema come from the table of settings (mlp.fields.FIELDS).


def test_help_lists_every_setting_with_its_help_and_default(capsys):
    from mlp.fields import FIELDS

    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for field in FIELDS.values():
        assert field.flag in out and " ".join(field.help.split()) in out, field.name
    assert "seed = The question's 2 observations" in out and "custom = Custom table / CSV" in out
    assert "absolute value" in out  # what a negative init_scale means
    options = out[out.index("options:") :]
    noise = options[options.index("--noise VALUE") : options.index("--seed VALUE")]
    assert "Gaussian noise" in noise and "symmetry" not in noise and "different" not in noise


def test_schema_flag_prints_the_configuration_schema(capsys):
    from mlp.config import Config

    assert main(["--schema"]) == 0
    assert json.loads(capsys.readouterr().out) == Config.json_schema()


@pytest.mark.parametrize("value", ["-0.5", "-2"])
@pytest.mark.parametrize("init", ["normal", "uniform", "xavier", "he"])
def test_negative_scale_of_a_random_start_runs(capsys, init, value):
    data = run_json(capsys, "--init", init, "--init-scale", value, "--iterations", "5")
    assert data["status"] == "finished" and data["config"]["init_scale"] == float(value)


def test_a_reader_that_goes_away_ends_the_output_quietly():
    """`python -m mlp --trace | head -1`: no traceback when head has read what it wanted."""
    done = subprocess.run(
        f"{sys.executable} -m mlp --data circle --iterations 10 --trace | head -1",
        shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.startswith("network") and "Traceback" not in done.stderr and done.stderr == ""
