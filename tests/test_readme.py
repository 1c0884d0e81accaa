"""Every figure README.md states about a run, checked on that run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from mlp.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
TEXT = " ".join(README.split())  # the prose, whatever its line breaks
ROW = re.compile(r"^\| [^|]+ \| `([^`]+)` \| (yes|no) \| ([\d,]+|never) \|$", re.M)


def run_json(capsys, *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def findings_of(run: dict, code: str) -> list[dict]:
    return [f for f in run["findings"] if f["code"] == code]


def test_the_table_of_starts_has_its_six_rows():
    assert len(ROW.findall(README)) == 6


@pytest.mark.slow
@pytest.mark.parametrize(("flags", "clones", "proved"), ROW.findall(README))
def test_each_start_in_the_table_behaves_as_it_says(capsys, flags, clones, proved):
    run = run_json(capsys, *shlex.split(flags))
    assert bool(findings_of(run, "clones")) == (clones == "yes")
    fitted = findings_of(run, "fitted")
    if proved == "never":
        assert not fitted
    else:
        assert fitted[0]["evidence"]["cost_below_bound_since"] == int(proved.replace(",", ""))


def test_the_question_plateau_figures(capsys):
    run = run_json(capsys, "--iterations", "8000")
    plateau = findings_of(run, "plateau")[0]
    assert f"(iterations {plateau['since']} to {plateau['until']:,} of the" in TEXT


@pytest.mark.slow
def test_the_xor_figures(capsys):
    clones = run_json(capsys, "--data", "xor", "--layers", "2,4,1", "--iterations", "20000")
    assert f"ends at cost {clones['final_loss']:.3f} with 3 of 4 points on the right side of 0.5" in TEXT
    assert clones["accuracy"] == 0.75
    random = run_json(capsys, "--data", "xor", "--layers", "2,4,1", "--init", "normal", "--iterations", "20000")
    fitted = findings_of(random, "fitted")[0]
    assert f"fits by iteration {fitted['since']:,}" in TEXT


def test_the_circle_recipe_output(capsys):
    assert main(["--data", "circle", "--recipe"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "\n".join(printed[:2] + printed[3:5]) in README.replace("status    finished in 0.53 s\n", "")


def test_the_questions_cli_output(capsys):
    """Every line of README's `$ python -m mlp` block is printed, but the timing and the lines it shortens."""
    block = README.split("$ python -m mlp\n", 1)[1].split("\n$ ", 1)[0].splitlines()
    assert main([]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = [line for line in block if line.strip() and not line.startswith("status") and "..." not in line]
    assert len(shown) >= 10 and all(line in printed for line in shown)
    fitted = README.split("| tail -2\n", 1)[1].splitlines()[:2]
    assert main(["--init", "normal", "--iterations", "10000"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == fitted
