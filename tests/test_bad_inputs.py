"""A corpus of bad inputs, one table per entrance: each row names the input and the words the user must see.

Entrances: the CLI (in-process, and a few rows through a real ``python -m mlp``), the link's query
parameters, the edited data table, CSV uploads, run JSON uploads (Compare tab), and sweep lists (the
engine's ``SweepSpec.from_mapping`` and the Sweep tab). Every row checks that the refusal is one
sentence naming the field, that nothing crashes and nothing executes, and, on the dashboard, that the
page works again afterwards and the kept runs are untouched."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mlp import Config, ConfigError, budget
from mlp.cli import main
from mlp.config import SweepSpec, most_iterations

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard.py")
TIMEOUT = 60  # seconds per script run: the machine is shared and noisy
DEFAULTS = Config().to_mapping() | {"layers": "2,3,3,2"}  # the widgets' values for the question's run
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def shown(markdown: str) -> str:
    """What the user reads: the markdown source without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)


# What GitHub-flavoured Markdown (Streamlit's renderer) turns into a link where it stands unescaped.
AUTOLINK = re.compile(r"https?:|mailto:|www\.|[\w.+-]@[\w-]+\.\w|(?<!\\)\]\(", re.IGNORECASE)


def assert_plain(markdown: str) -> None:
    """A message as the page writes it: one line, and nothing in it that Markdown makes a link."""
    assert "\n" not in markdown.strip(), markdown
    assert not AUTOLINK.search(markdown), markdown


def one_sentence(text: str) -> bool:
    return "\n" not in text.strip() and text.strip().endswith(".")


# ---------------------------------------------------------------------------------------------------
# CLI: `mlp.cli.main(argv)` in-process; files are written to tmp_path first ("{tmp}" in argv).

DEEP_JSON = b"[" * 100_000 + b"]" * 100_000  # json.loads recurses into it until RecursionError


def cli(argv: str, *words: str, files: dict[str, bytes] | None = None, id: str) -> pytest.param:
    return pytest.param(argv, files or {}, list(words), id=id)


CLI_ROWS = [
    cli("--layers 2,0,2", "layers: '2,0,2'", "1 to 256", id="layers-zero"),
    cli("--layers abc", "layers: 'abc' is not a list of layer sizes", id="layers-text"),
    cli("--layers 3,3,2", "layers: 3,3,2", "the first size must be 2", id="layers-wrong-input"),
    cli("--layers 2,3,3", "layers: 2,3,3", "the last size must be 2", id="layers-wrong-output"),
    cli("--layers 2,100000,2", "layers: '2,100000,2'", "1 to 256", id="layers-too-wide"),
    cli("--layers " + ",".join(["2"] * 33), "layers:", "2 to 32 whole numbers", id="layers-too-deep"),
    cli("--lr 0", "lr: 0 is out of range", "greater than 0", id="lr-zero"),
    cli("--lr -1", "lr: -1 is out of range", id="lr-negative"),
    cli("--lr nan", "lr: 'nan' is not a finite number", id="lr-nan"),
    cli("--lr inf", "lr: 'inf' is not a finite number", id="lr-inf"),
    cli("--lr abc", "lr: 'abc' is not a number", id="lr-text"),
    cli("--lr 1e400", "lr: '1e400' is not a finite number", id="lr-overflowing-text"),
    cli("--iterations -1", "iterations: '-1'", "whole number from 0 to 1,000,000", id="iterations-negative"),
    cli("--iterations 1.5", "iterations: '1.5'", "whole number", id="iterations-fraction"),
    cli("--iterations 10000000", "iterations: '10000000'", "1,000,000", id="iterations-too-many"),
    cli("--init bogus", "init: 'bogus'", "constant, uniform, normal, xavier, he", id="init-unknown"),
    cli("--activation softmax", "activation: 'softmax'", "sigmoid, tanh, relu, leaky_relu, linear", id="softmax"),
    cli("--loss cross_entropy --output-activation linear", "loss: cross_entropy needs output_activation sigmoid",
        id="cross-entropy-linear-output"),
    cli("--data mnist", "data: 'mnist'", id="data-unknown"),
    cli("--data custom", "inputs: is missing", id="custom-without-tables"),
    cli("--data circle --points 3", "points: '3'", "4 to 10,000", id="points-too-few"),
    cli("--seed -1", "seed: '-1'", id="seed-negative"),
    cli("--noise -1", "noise: -1 is out of range", id="noise-negative"),
    cli("--snapshots 1", "snapshots: '1'", "2 to 1,000", id="snapshots-one"),
    cli("--products fast", "products: 'fast' is not one of the allowed values: blas, in_order", id="products-unknown"),
    cli("--products in_order --data circle --layers 2,5,1", "products: in_order sums at most 8 terms",
        "on 200 observations has sums of 200; use blas", id="products-in-order-on-200-points"),
    cli("--iterations 1000000", "iterations: 1,000,000 iterations", "over the budget", id="over-the-budget"),
    cli("--layers 2,256,256,2 --iterations 100000 --snapshots 2", "iterations:", "over the budget",
        id="wide-network-over-the-budget"),
    cli("--layers 2,256,256,256,2", "snapshots: 200 snapshots", "over the limit", id="snapshots-over-memory"),
    cli("--data-file {tmp}/missing.csv", "data-file:", "missing.csv' is not a readable file", id="csv-missing-file"),
    cli("--data-file {tmp}/d.csv", "CSV: header 'x1,x2'", "y1..ym", files={"d.csv": b"x1,x2\n0,1\n"},
        id="csv-missing-y-column"),
    cli("--data-file {tmp}/d.csv", "CSV: row 2 has 2 values", files={"d.csv": b"x1,x2,y1\n0,1\n"}, id="csv-short-row"),
    cli("--data-file {tmp}/d.csv", "CSV: row 2, column x2: 'abc' is not a number",
        files={"d.csv": b"x1,x2,y1\n0,abc,1\n"}, id="csv-non-number"),
    cli("--data-file {tmp}/d.csv", "data-file:", "is not a UTF-8 text file", files={"d.csv": bytes(range(256)) * 8},
        id="csv-binary-junk"),
    cli("--data-file {tmp}/d.csv", "CSV: the file is not text", files={"d.csv": b"x1,y1\n\x00\x01,2\n"},
        id="csv-nul-bytes"),
    cli("--data-file {tmp}/d.csv", "data-file:", "larger than 10 MB", files={"d.csv": b"junk," * 2_100_000},
        id="csv-over-10MB"),
    cli("--data-file {tmp}/d.csv", "CSV: row 2, column y1: '1e300' is out of range", "-1,000,000 to 1,000,000",
        files={"d.csv": b"x1,y1\n0,1e300\n"}, id="csv-value-out-of-range"),
    cli("--data-file {tmp}/d.csv", "CSV: the file has 2,400,001 lines; at most 10,000 rows",
        files={"d.csv": b"x1,y1\n" + b"1,2\n" * 2_400_000}, id="csv-9.6MB-of-short-rows"),
    cli("--data-file {tmp}/d.csv", "CSV: row 2 has 100,000 columns; at most 64",
        files={"d.csv": b"x1,y1\n" + b"1," * 99_999 + b"1\n"}, id="csv-one-row-of-100000-values"),
    cli("--config {tmp}/c.json", "config: the JSON must be an object", files={"c.json": b"[1, 2]"},
        id="config-not-an-object"),
    cli("--config {tmp}/c.json", "lrr: is not a setting", files={"c.json": b'{"lrr": 1}'}, id="config-unknown-key"),
    cli("--config {tmp}/c.json", "config: the text is not valid JSON", files={"c.json": b"lr = 0.5"},
        id="config-not-json"),
    cli("--config {tmp}/c.json", "config: the text is not valid JSON", files={"c.json": DEEP_JSON},
        id="config-nested-100k-deep"),
    cli("--config {tmp}/c.json", "lr:", "is out of range", files={"c.json": b'{"lr": 1' + b"0" * 400 + b"}"},
        id="config-400-digit-integer"),
    cli("--config {tmp}/c.json", "lr: 'nan' is not a finite number", files={"c.json": b'{"lr": NaN}'},
        id="config-lr-NaN"),
    cli("--config {tmp}/c.json", "config: 'filler' is not a part of a saved run",
        files={"c.json": b'{"config": {"lr": 0.5}, "status": "finished", "filler": "' + b"x" * 9_000_000 + b'"}'},
        id="config-run-with-9MB-filler"),
    cli("--config {tmp}/c.json", "config: the JSON holds about 4,500,00", "values",
        files={"c.json": b'{"config": {"lr": 0.5}, "loss_history": [' + b"0," * 4_500_000 + b'0]}'},
        id="config-run-with-9MB-history"),
    cli("--config {tmp}/c.json", "config: the part loss_history has 5,000 entries", "at most 1,001",
        files={"c.json": b'{"config": {"lr": 0.5}, "loss_history": [' + b"0.5," * 4_999 + b'0.5]}'},
        id="config-run-with-an-oversize-history"),
    cli("--config {tmp}/c.json", "config: 'https://evil.example/login' is not a part",
        files={"c.json": b'{"config": {}, "https://evil.example/login": 1}'}, id="config-url-key"),
    cli("--config {tmp}/c.json", "error: " + "k" * 37 + "...: is not a setting",
        files={"c.json": b'{"' + b"k" * 100_000 + b'": 1}'}, id="config-100000-character-key"),
    cli("--bogus", "unrecognized argument '--bogus'", id="unknown-flag"),
    cli("--" + "b" * 5000, "unrecognized argument '--" + "b" * 35 + "...'", id="unknown-5000-character-flag"),
    cli("--json=yes", "argument --json: ignored explicit argument 'yes'", id="value-for-a-switch"),
    cli("--lr", "argument --lr: expected one argument", id="flag-without-value"),
]  # fmt: skip


def assert_cli_refuses(status: int, out: str, err: str, words: list[str]) -> None:
    """Exit status 2, nothing on stdout, one line on stderr holding every word, no traceback."""
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0], (word, lines[0])


def write_files(tmp_path: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)


@pytest.mark.parametrize(("argv", "files", "words"), CLI_ROWS)
def test_cli_refuses(argv, files, words, tmp_path, capsys):
    write_files(tmp_path, files)
    status = main(shlex.split(argv.format(tmp=tmp_path)))
    out, err = capsys.readouterr()
    assert_cli_refuses(status, out, err, words)


CLI_PROCESS_ROWS = [
    cli("--lr nan", "lr: 'nan' is not a finite number", id="lr-nan"),
    cli("--data-file {tmp}/missing.csv", "data-file:", "is not a readable file", id="csv-missing-file"),
    cli("--config {tmp}/c.json", "config: the text is not valid JSON", files={"c.json": DEEP_JSON},
        id="config-nested-100k-deep"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "files", "words"), CLI_PROCESS_ROWS)
def test_cli_process_refuses(argv, files, words, tmp_path):
    write_files(tmp_path, files)
    args = [sys.executable, "-m", "mlp", *shlex.split(argv.format(tmp=tmp_path))]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert_cli_refuses(done.returncode, done.stdout, done.stderr, words)


# ---------------------------------------------------------------------------------------------------
# The dashboard: shared helpers.


def fresh(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def open_tab(at: AppTest, label: str) -> AppTest:
    """Switch tabs as a click does: only the open tab's content runs."""
    at.session_state["tab"] = label
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> list[str]:
    """The markdown source of everything written on the page."""
    elements = [*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.success, *at.subheader]
    return [str(e.value) for e in elements]


def assert_nothing_executes(at: AppTest, raw: str) -> None:
    """``raw`` (script or HTML) is shown escaped, never as markdown or HTML."""
    for text in texts(at):
        assert raw not in text, text
    for element in at.markdown:
        assert not (element.proto.allow_html and "<" in element.value), element.value


def assert_alive(at: AppTest) -> None:
    """No exception, no error, and the run's metrics on screen."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert metrics(at).get("Final cost"), metrics(at)


def assert_error_says(at: AppTest, words: list[str]) -> None:
    """No exception, and exactly one error: one sentence holding every word."""
    assert not at.exception, [e.value for e in at.exception]
    for error in at.error:
        assert_plain(error.value)
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1, errors
    assert one_sentence(errors[0]), errors[0]
    for word in words:
        assert word in errors[0], (word, errors[0])


def assert_refused(at: AppTest, words: list[str], kept: list) -> None:
    """One error saying ``words``, nothing of the input executed, and the kept runs still ``kept``."""
    assert_error_says(at, words)
    assert_nothing_executes(at, SCRIPT)
    assert at.session_state["kept"] == kept


def assert_recovered(at: AppTest, kept: list) -> None:
    """After the user undoes the bad input: the page works and the kept runs are still ``kept``."""
    assert_alive(at)
    assert at.session_state["kept"] == kept


def keep_this_run(at: AppTest) -> list:
    button(at, "Keep this run").click().run()
    kept = list(at.session_state["kept"])
    assert kept, "the run was not kept"
    return kept


# ---------------------------------------------------------------------------------------------------
# Links: query parameters set before the first run. A link opens a new session, so there are no kept
# runs to lose; the page must still work (the fallback trains) and another setting can be changed.


def link(params: dict[str, str], field: str | None, *words: str, id: str) -> pytest.param:
    return pytest.param(params, field, list(words), id=id)


LINK_ROWS = [
    link({"bogus": "1"}, None, "The link's 'bogus' is not a setting and was ignored.", id="unknown-name"),
    link({"<b>x</b>": "1"}, None, "The link's '<b>x</b>' is not a setting", id="unknown-name-markup"),
    link({"a" * 5000: "1"}, None, "The link's '" + "a" * 37 + "...' is not a setting", id="5000-character-name"),
    link({"https://evil.example/login": "1"}, None, "The link's 'https://evil.example/login' is not a setting",
         id="url-as-name"),
    link({"see www.evil.example or me@evil.example": "1"}, None, "'see www.evil.example or me@evil.example'",
         id="www-and-e-mail-as-name"),
    link({"lr": "1\n# Heading\n- item\n[link](https://evil.example)"}, "lr",
         "lr: '1 # Heading - item [link](https://evi...' is not a number", id="markdown-value-with-newlines"),
    link({"init": ":red[danger] :material/warning:"}, "init", "init: ':red[danger] :material/warning:' is not one",
         id="streamlit-directives"),
    link({"lr": "nan"}, "lr", "lr: 'nan' is not a finite number", id="lr-nan"),
    link({"lr": "inf"}, "lr", "lr: 'inf' is not a finite number", id="lr-inf"),
    link({"lr": "abc"}, "lr", "lr: 'abc' is not a number", id="lr-text"),
    link({"lr": "0"}, "lr", "lr: 0 is out of range", id="lr-zero"),
    link({"lr": "-1"}, "lr", "lr: -1 is out of range", id="lr-negative"),
    link({"layers": "10000,10000"}, "layers", "layers: '10000,10000'", id="layers-10000"),
    link({"layers": "abc"}, "layers", "layers: 'abc'", id="layers-text"),
    link({"layers": "2," * 2500}, "layers", "layers: '2,2,2", id="layers-5000-characters"),
    link({"init_scale": "1e7"}, "init_scale", "init_scale: 1e+07 is out of range", id="init-scale-1e7"),
    link({"init": SCRIPT}, "init", f"init: '{SCRIPT}' is not one of the allowed values", id="init-script"),
    link({"activation": IMG}, "activation", f"activation: '{IMG}' is not one of the allowed", id="activation-img"),
    link({"noise": "x" * 5000}, "noise", "noise: '" + "x" * 37 + "...' is not a number", id="noise-5000-characters"),
    link({"iterations": "-5"}, "iterations", "iterations: '-5' is not allowed", id="iterations-negative"),
    link({"iterations": "1.5"}, "iterations", "iterations: '1.5' is not allowed", id="iterations-fraction"),
    link({"iterations": "400000"}, "iterations", "iterations: 400,000 iterations",
         f"use at most {most_iterations(Config()):,} iterations", id="iterations-over-the-budget"),
    link({"seed": "99999999999"}, "seed", "seed: '99999999999'", id="seed-too-large"),
    link({"snapshots": "1"}, "snapshots", "snapshots: '1'", id="snapshots-one"),
    link({"products": "<b>x</b>"}, "products", "products: '<b>x</b>' is not one of the allowed values",
         id="products-markup"),
    link({"products": "in_order", "data": "circle", "layers": "2,5,1"}, "products",
         "products: in_order sums at most 8 terms", id="products-in-order-on-200-points"),
    link({"data": "mnist"}, "data", "data: 'mnist' is not one of the allowed values", id="data-unknown"),
    link({"data": "custom", "inputs": "1,2;3", "targets": "1;0"}, "inputs", "inputs: row 2 has 1 value but row 1 has 2",
         id="custom-ragged-inputs"),
    link({"data": "custom", "inputs": "1,x", "targets": "1"}, "inputs", "inputs: row 1, column 2: 'x' is not a number",
         id="custom-non-number"),
    link({"data": "custom", "inputs": "0.5,0.5", "targets": f"{SCRIPT}"}, "targets", "targets:",
         id="custom-targets-script"),
]  # fmt: skip


def assert_link_refused(params: dict[str, str], field: str | None, words: list[str]) -> None:
    """A warning holding the words, the field at its default, nothing executed, the page alive."""
    at = fresh(params)
    assert not at.exception, [e.value for e in at.exception]
    for warning in at.warning:
        assert_plain(warning.value)
    warnings = [shown(w.value) for w in at.warning]
    assert any(all(word in text for word in words) for text in warnings), (words, warnings)
    assert all(len(text) < 600 for text in warnings)  # a 5,000-character value is not echoed whole
    for raw in [*params, *params.values()]:
        if "<" in raw:
            assert_nothing_executes(at, raw)
    if field in ("inputs", "targets"):  # no widget: the editable table keeps the question's data
        table = at.session_state["custom_table"].to_numpy()
        np.testing.assert_array_equal(table, [[0.8, 0.4, 0.2, 0.4], [0.3, 0.3, 1.0, 0.0]])
    elif field is not None:
        assert at.session_state[field] == DEFAULTS[field], str(at.session_state[field])[:60]
    assert_alive(at)
    at.number_input(key="iterations").set_value(999).run()  # another setting: a new run
    assert_alive(at)
    assert "999 iterations" in " ".join(texts(at))


@pytest.mark.parametrize(("params", "field", "words"), LINK_ROWS)
def test_link_refused(params, field, words):
    assert_link_refused(params, field, words)


@pytest.mark.parametrize(
    "params",
    [{"data": "xor", "layers": "2,4,1"}, {"data": "custom", "inputs": "1,2,3;4,5,6", "targets": "0.5;0.25"}],
    ids=["xor", "custom-table"],
)
def test_link_with_valid_data_reproduces_it(params):
    at = fresh(params)
    assert not at.exception and not at.warning
    assert at.session_state["data"] == params["data"]


# ---------------------------------------------------------------------------------------------------
# The edited data table (data=custom): session_state["table_editor"] holds the edits, as a browser sends them.

NO_EDITS = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}


@pytest.fixture(scope="module")
def table_page() -> AppTest:
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    keep_this_run(at)
    assert_alive(at)
    return at


def edit(edits: dict, *words: str, id: str) -> pytest.param:
    return pytest.param(NO_EDITS | edits, list(words), id=id)


TABLE_ROWS = [
    edit({"edited_rows": {1: {"x2": None}}}, "data table: row 2, column x2 is empty", id="empty-cell"),
    edit({"deleted_rows": [0, 1]}, "data table: there are no rows", id="every-row-deleted"),
    # A number column cannot hold text: Streamlit stores a typed non-number as an empty cell.
    edit({"edited_rows": {0: {"x1": "abc"}}}, "data table: row 1, column x1 is empty", id="non-number"),
    edit({"edited_rows": {0: {"x1": float("inf")}}}, "row 1, column x1: inf is not a finite number", id="infinity"),
    edit({"added_rows": [{"x1": 1.0}]}, "data table: row 3, column x2 is empty", id="added-row-half-filled"),
    edit({"edited_rows": {0: {"y1": 1e300}}}, "data table: row 1, column y1: 1e+300 is out of range",
         "-1,000,000 to 1,000,000", id="value-out-of-range"),
    edit({"added_rows": [{"x1": 1.0, "x2": 2.0, "y1": 0.0, "y2": 1.0}] * 20_000},
         "data table: 20,002 rows is too many; at most 10,000 are allowed, so the edit was undone",
         id="20000-rows-pasted"),
    edit({"added_rows": [{"x1": 1.0, "x2": 2.0, "y1": 0.0, "y2": SCRIPT}]}, "row 3, column y2 is empty",
         id="script-in-a-cell"),
]  # fmt: skip


def assert_table_refused(at: AppTest, edits: dict, words: list[str]) -> None:
    kept = list(at.session_state["kept"])
    at.session_state["table_editor"] = edits
    at.run()
    assert_refused(at, words, kept)
    at.session_state["table_editor"] = NO_EDITS  # the user undoes the edit
    at.run()
    assert_recovered(at, kept)


@pytest.mark.parametrize(("edits", "words"), TABLE_ROWS)
def test_table_refused(table_page, edits, words):
    assert_table_refused(table_page, edits, words)


# ---------------------------------------------------------------------------------------------------
# CSV uploads (data=custom): the table keeps its data; clearing the upload brings the run back.


@pytest.fixture(scope="module")
def csv_page() -> AppTest:
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    keep_this_run(at)
    return at


def upload(content: bytes, *words: str, id: str) -> pytest.param:
    return pytest.param(content, list(words), id=id)


WIDE = (",".join(f"x{i + 1}" for i in range(70)) + ",y1\n" + ",".join("0" * 71) + "\n").encode()
CSV_ROWS = [
    upload(b"x1,x2\n0,1\n", "CSV: header 'x1,x2' must be x1..xk then y1..ym", id="missing-y-column"),
    upload(b"y1,x1,x2\n0,1,1\n", "CSV: header 'y1,x1,x2'", id="header-order-y-first"),
    upload(b"x2,x1,y1\n0,1,1\n", "CSV: header 'x2,x1,y1'", id="header-order-x-swapped"),
    upload(b"x1,x2,y1\n0,abc,1\n", "CSV: row 2, column x2: 'abc' is not a number", id="non-number"),
    upload(b"x1,y1\n0,inf\n", "CSV: row 2, column y1: 'inf' is not a finite number", id="infinity"),
    upload(b"", "CSV: the file is empty", id="empty"),
    upload(b"x1,x2,y1\n", "CSV: there are no data rows", id="header-only"),
    upload(bytes(range(256)) * 40, "CSV: the file is not UTF-8 text", id="binary"),
    upload(b"x1,y1\n\x00\x00,1\n", "CSV: the file is not text", id="nul-bytes"),
    upload("x1,y1\n0,é\n".encode("latin-1"), "CSV: the file is not UTF-8 text", id="latin-1"),
    upload(b"junk," * 2_100_000, "CSV: the file is 10.5 MB; at most 10 MB", id="10MB-of-junk"),
    upload(b"x1,x2,y1\n0,1,1\n0,1,1,5\n", "CSV: row 3 has 4 values but the header has 3 columns", id="ragged-row"),
    upload(WIDE, "CSV: 70 input columns is too many; at most 64 are allowed", id="71-columns"),
    upload(
        b"x1,y1\n" + b"1,2\n" * 2_400_000,
        "CSV: the file has 2,400,001 lines; at most 10,000 rows",
        id="9.6MB-of-short-rows",
    ),
    upload(
        b"x1,https://evil.example/login\n0,1\n",
        "CSV: header 'x1,https://evil.example/login' must be",
        id="url-in-header",
    ),
    upload(f"x1,{SCRIPT}\n0,1\n".encode(), f"CSV: header 'x1,{SCRIPT}'", id="script-header"),
]


def assert_csv_refused(at: AppTest, content: bytes, words: list[str]) -> None:
    kept, table = list(at.session_state["kept"]), at.session_state["custom_table"].copy()
    at.file_uploader(key="csv_upload").set_value(("data.csv", content, "text/csv")).run()
    assert_refused(at, words, kept)
    assert at.session_state["custom_table"].equals(table)
    at.file_uploader(key="csv_upload").set_value(None).run()
    assert_recovered(at, kept)


@pytest.mark.parametrize(("content", "words"), CSV_ROWS)
def test_csv_refused(csv_page, content, words):
    assert_csv_refused(csv_page, content, words)


# ---------------------------------------------------------------------------------------------------
# Run JSON uploads (Compare tab): nothing is kept, the error names the field, the page stays up.


@pytest.fixture(scope="module")
def compare_page() -> AppTest:
    at = fresh()
    keep_this_run(at)
    at.session_state["compare_selection"] = ["current"]  # one run selected: the tab skips its charts
    return open_tab(at, "Compare")


JSON_ROWS = [
    pytest.param(b"this is not json", ["run file: the text is not valid JSON"], id="not-json"),
    pytest.param(b"[1, 2, 3]", ["run file: the JSON must be an object of settings"], id="a-list"),
    pytest.param(b'"lr"', ["run file: the JSON must be an object of settings"], id="a-string"),
    pytest.param(b'{"lr": 0}', ["lr: 0 is out of range"], id="lr-zero"),
    pytest.param(b'{"lr": NaN}', ["lr: 'nan' is not a finite number"], id="lr-NaN"),
    pytest.param(b'{"lr": 1' + b"0" * 400 + b"}", ["lr:", "is out of range"], id="lr-400-digits"),
    pytest.param(b'{"bogus": 1}', ["bogus: is not a setting"], id="unknown-setting"),
    pytest.param(json.dumps({"config": {"lr": -1}}).encode(), ["lr: -1 is out of range"], id="exported-bad-lr"),
    pytest.param(json.dumps({"init": SCRIPT}).encode(), [f"init: '{SCRIPT}'"], id="script-value"),
    pytest.param(b'{"iterations": 1000000}', ["iterations:", "over the budget"], id="over-the-budget"),
    pytest.param(bytes(range(256)) * 4, ["run file: the file is not UTF-8 text"], id="binary"),
    pytest.param(b" " * 10_000_001 + b"{}", ["run file:", "at most 10 MB"], id="over-the-size-limit"),
    pytest.param(DEEP_JSON, ["run file: the text is not valid JSON"], id="nested-100k-deep"),
    pytest.param(
        b'{"config": {"lr": 0.5}, "status": "finished", "filler": "' + b"x" * 9_000_000 + b'"}',
        ["run file: 'filler' is not a part of a saved run"],
        id="run-with-9MB-of-filler",
    ),
    pytest.param(
        b'{"config": {"lr": 0.5}, "outputs": [' + b"[0]," * 2_000_000 + b"[0]]}",
        ["run file: the JSON holds about 4,000,00", "values"],
        id="run-with-8MB-of-outputs",
    ),
    pytest.param(
        b'{"config": {"lr": 0.5}, "targets": [' + b"[0.5, 0.5]," * 999 + b"[0.5, 0.5]]}",
        ["run file: the part targets has 1,000 entries", "at most 2"],
        id="run-with-oversize-targets",
    ),
    pytest.param(
        b'{"config": {}, "<b>x</b>\\n# head": 1}', ["run file: '<b>x</b> # head' is not a part"], id="markup-key"
    ),
]


def assert_run_upload_refused(at: AppTest, content: bytes, words: list[str]) -> None:
    kept = list(at.session_state["kept"])
    at.file_uploader(key="run_upload").set_value(("run.json", content, "application/json")).run()
    assert_refused(at, words, kept)
    assert not at.success
    assert metrics(at).get("Final cost")  # the page above the tab is still there


@pytest.mark.parametrize(("content", "words"), JSON_ROWS)
def test_run_upload_refused(compare_page, content, words):
    assert_run_upload_refused(compare_page, content, words)


def test_run_upload_works_after_the_bad_ones(compare_page):
    at = compare_page
    kept = list(at.session_state["kept"])
    good = json.dumps({"config": Config(lr=0.25).to_mapping(), "status": "finished"}).encode()
    at.file_uploader(key="run_upload").set_value(("good.json", good, "application/json")).run()
    assert not at.exception and not at.error
    assert [s.value.split()[0] for s in at.success] == ["Kept."]
    assert at.session_state["kept"][: len(kept)] == kept and at.session_state["kept"][-1].config.lr == 0.25


# ---------------------------------------------------------------------------------------------------
# Sweep lists: the engine's parser, then the Sweep tab's form.


def sweep_row(values: dict, field: str, *words: str, id: str) -> pytest.param:
    return pytest.param(values, field, list(words), id=id)


SWEEP_ROWS = [
    sweep_row({"lrs": []}, "lrs", "the list is empty", id="empty-list"),
    sweep_row({"inits": " ; ; "}, "inits", "the list is empty", id="empty-inits-text"),
    sweep_row({"optimizers": "gd,rmsprop"}, "optimizer", "'rmsprop' is not one of the allowed values",
              id="unknown-optimizer"),
    sweep_row({"lrs": "0.5,0"}, "lr", "0 is out of range", id="lr-zero"),
    sweep_row({"lrs": [10**400]}, "lr", "is out of range", id="lr-400-digits"),
    sweep_row({"lrs": ",".join(f"0.{i + 1}" for i in range(9)), "seeds": ",".join(map(str, range(60)))}, "sweep",
              "540 runs", "more than 512", id="too-many-runs"),
    sweep_row({"iterations": str(budget.most_iterations(Config(iterations=0))), "seeds": "0,1,2,3,4,5,6,7"}, "sweep",
              "over the budget", id="over-the-budget"),  # the longest run allowed alone, 8 times
    sweep_row({"inits": "normal 0.5 2"}, "inits", "'normal 0.5 2' is not an init and a scale", id="inits-three-words"),
    sweep_row({"inits": "normal=0.5"}, "init", "'normal=0.5' is not one of the allowed values", id="inits-no-space"),
    sweep_row({"inits": "normal abc"}, "init_scale", "'abc' is not a number", id="inits-scale-text"),
    sweep_row({"inits": [["normal"], 0.5]}, "inits", "'0.5' is not an init and a scale", id="inits-json-malformed"),
    sweep_row({"noises": "0.1,0.1"}, "noises", "0.1 is listed twice", id="duplicate"),
    sweep_row({"threshold": "nan"}, "threshold", "'nan' is not a finite number", id="threshold-nan"),
    sweep_row({"sweep": "3"}, "sweep", "is not a setting", id="unknown-key"),
    sweep_row({"seeds": "1" * 200_001}, "seeds", "200,001 characters", id="text-over-200k"),
]  # fmt: skip


def assert_sweep_refused(values: dict, field: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        SweepSpec.from_mapping(values)
    text = str(caught.value)
    assert caught.value.field == field and text.startswith(f"{field}: "), text
    assert one_sentence(text), text
    for word in words:
        assert word in text, (word, text)


@pytest.mark.parametrize(("values", "field", "words"), SWEEP_ROWS)
def test_sweep_spec_refused(values, field, words):
    assert_sweep_refused(values, field, words)


GOOD_LISTS = {"sweep_inits": "constant 1; normal 1", "sweep_lrs": "0.5", "sweep_seeds": "0"}


@pytest.fixture(scope="module")
def sweep_page() -> AppTest:
    at = fresh()
    keep_this_run(at)
    return open_tab(at, "Sweep")


def run_sweep(at: AppTest, lists: dict[str, str], optimizers: list[str], iterations: int = 1000) -> AppTest:
    for key, text in (GOOD_LISTS | lists).items():
        at.text_input(key=key).set_value(text)
    at.multiselect(key="sweep_optimizers").set_value(optimizers)
    at.number_input(key="iterations").set_value(iterations)  # the sidebar's run is the sweep's base
    return button(at, "Run sweep").click().run()


def form(lists: dict[str, str], *words: str, optimizers=("gd",), iterations: int = 1000, id: str) -> pytest.param:
    return pytest.param(lists, list(optimizers), iterations, list(words), id=id)


SWEEP_FORM_ROWS = [
    form({"sweep_lrs": ""}, "lrs: the list is empty", id="empty-lrs"),
    form({}, "optimizers: the list is empty", optimizers=(), id="no-optimizer"),
    form({"sweep_lrs": "0.1, 0"}, "lr: 0 is out of range", id="lr-zero"),
    form({"sweep_lrs": "nan"}, "lr: 'nan' is not a finite number", id="lr-nan"),
    form({"sweep_lrs": SCRIPT}, f"lr: '{SCRIPT}' is not a number", id="lr-script"),
    form({"sweep_inits": "bogus 1"}, "init: 'bogus' is not one of the allowed values", id="unknown-init"),
    form({"sweep_inits": "normal 0.5 3"}, "inits: 'normal 0.5 3' is not an init and a scale", id="inits-malformed"),
    form({"sweep_seeds": "-1"}, "seed: '-1' is not allowed", id="seed-negative"),
    form({"sweep_seeds": ",".join(map(str, range(600)))}, "seeds: 600 values is more than", id="600-seeds"),
    form({"sweep_lrs": ",".join(f"0.{i + 1}" for i in range(9)), "sweep_seeds": ",".join(map(str, range(60)))},
         "sweep: 1,080 runs", "more than 512", id="too-many-runs"),
    form({"sweep_seeds": ",".join(map(str, range(256)))}, "sweep: 512 runs of 10,000 iterations", "over the budget",
         iterations=10_000, id="over-the-budget"),
]  # fmt: skip


def assert_sweep_form_refused(at: AppTest, lists: dict, optimizers: list, iterations: int, words: list[str]) -> None:
    kept = list(at.session_state["kept"])
    run_sweep(at, lists, optimizers, iterations)
    assert_refused(at, words, kept)
    run_sweep(at, {}, ["gd"])  # the user fixes the list
    assert_recovered(at, kept)
    assert any("2 runs of 1,000 iterations" in text for text in texts(at)), texts(at)


@pytest.mark.parametrize(("lists", "optimizers", "iterations", "words"), SWEEP_FORM_ROWS)
def test_sweep_form_refused(sweep_page, lists, optimizers, iterations, words):
    assert_sweep_form_refused(sweep_page, lists, optimizers, iterations, words)


# ---------------------------------------------------------------------------------------------------
# Limits the page states instead of crashing or resetting in silence.


@pytest.mark.slow
def test_iterations_widget_stops_at_the_budget_and_says_so():
    at = fresh()
    widget = at.number_input(key="iterations")
    assert widget.max == most_iterations(Config()) > 100_000
    assert f"At most {int(widget.max):,} for this network and data (the work budget)." in [c.value for c in at.caption]
    widget.set_value(100_000).run()
    at.text_input(key="layers").set_value("2,64,64,2").run()  # a wider network: fewer iterations allowed
    most = most_iterations(Config.from_mapping({"layers": "2,64,64,2", "iterations": 0}))
    assert most < 100_000 and at.number_input(key="iterations").max == most
    assert at.number_input(key="iterations").value == most  # lowered to the limit, not reset to 1,000
    assert f"Lowered from 100,000 to {most:,}, the most the work budget allows" in " ".join(c.value for c in at.caption)
    assert_alive(at)


@pytest.mark.slow
def test_custom_table_too_large_for_a_link_stays_out_of_it():
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    assert at.query_params["inputs"] == "0.8,0.4;0.3,0.3"  # a small table travels in the link
    rng = np.random.default_rng(0)
    columns = [f"x{i + 1}" for i in range(19)] + ["y1"]
    at.session_state["custom_table"] = pd.DataFrame(rng.normal(size=(2000, 20)), columns=columns)
    at.text_input(key="layers").set_value("19,3,1").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "inputs" not in at.query_params and "targets" not in at.query_params
    notes = [i.value for i in at.info]
    assert any("too large for a link" in note and "Run as JSON" in note for note in notes), notes
    assert metrics(at).get("Final cost")


def released_files(monkeypatch) -> list[str]:
    """The ids of uploads the page releases from the server's memory, recorded as it releases them."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    released: list[str] = []
    remove = MemoryUploadedFileManager.remove_file

    def record(self, session_id: str, file_id: str) -> None:
        released.append(file_id)
        remove(self, session_id, file_id)

    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file", record)
    return released


@pytest.mark.parametrize("content", [b"x1,y1\n0,1\n", b"x1,y1\n0,abc\n"], ids=["read", "refused"])
def test_csv_upload_is_released_once_read(monkeypatch, content):
    released = released_files(monkeypatch)
    at = fresh()
    at.radio(key="data").set_value("custom").run()
    at.file_uploader(key="csv_upload").set_value(("d.csv", content, "text/csv")).run()
    assert len(released) == 1 and released[0] == at.session_state["csv_loaded"]
    at.run()  # the next run reads nothing again
    assert len(released) == 1


def test_run_upload_is_released_once_read(monkeypatch, compare_page):
    released = released_files(monkeypatch)
    good = json.dumps({"config": Config(lr=0.125).to_mapping()}).encode()
    compare_page.file_uploader(key="run_upload").set_value(("run.json", good, "application/json")).run()
    assert [s.value.split()[0] for s in compare_page.success] == ["Kept."]
    assert released == [compare_page.session_state["run_upload_seen"]]
