"""Data sets: documented shapes, reproducible generation, and CSV reading."""

import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlp
from mlp.data import GENERATED, MAX_COLUMNS, MAX_ROWS, DataError, Dataset, numbers, read_csv, to_csv
from mlp.echo import ECHO_LENGTH

SHAPES = {"seed": ((2, 2), (2, 2)), "xor": ((4, 2), (4, 1)), "and": ((4, 2), (4, 1)), "or": ((4, 2), (4, 1))}
GATES = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1]}


def test_registry_lists_the_documented_sets():
    assert list(mlp.DATASETS) == ["seed", "xor", "and", "or", "circle", "spiral", "blobs"]
    assert set(GENERATED) == {"circle", "spiral", "blobs"}


def test_every_data_set_has_a_label_for_people():
    labels = [source.label for source in mlp.DATASETS.values()]
    assert labels[0] == "The question's 2 observations" and len(set(labels)) == len(labels)
    assert all(label and "seed" not in label.lower() for label in labels)  # no clash with the seed settings
    # Their recipes are checked in tests/test_recipes.py.


@pytest.mark.parametrize("name", SHAPES)
def test_fixed_dataset_shapes(name):
    d = mlp.DATASETS[name](200, 0.1, 0)
    assert (d.X.shape, d.Y.shape) == SHAPES[name]
    assert d.n_inputs == SHAPES[name][0][1] and d.n_outputs == SHAPES[name][1][1]


def test_seed_dataset_is_the_question():
    d = mlp.DATASETS["seed"](200, 0.1, 0)
    np.testing.assert_array_equal(d.X, [[0.8, 0.4], [0.3, 0.3]])
    np.testing.assert_array_equal(d.Y, [[0.2, 0.4], [1.0, 0.0]])


@pytest.mark.parametrize("name", GATES)
def test_logic_gates_truth_tables(name):
    d = mlp.DATASETS[name](200, 0.1, 0)
    np.testing.assert_array_equal(d.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(d.Y[:, 0], GATES[name])


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("points", [4, 37, 200])
def test_generated_dataset_respects_point_count(name, points):
    d = mlp.DATASETS[name](points, 0.1, 3)
    assert d.X.shape == (points, 2) and d.Y.shape == (points, 1)
    assert set(np.unique(d.Y)) <= {0.0, 1.0}
    assert len(np.unique(d.Y)) == 2 or points < 10  # 4 random points may all fall outside the circle
    assert np.isfinite(d.X).all()


@pytest.mark.parametrize("name", GENERATED)
def test_generated_dataset_reproducible_by_seed(name):
    a, b, c = (mlp.DATASETS[name](50, 0.2, seed) for seed in (7, 7, 8))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_dataset_noise_moves_points(name):
    quiet, noisy = mlp.DATASETS[name](100, 0.0, 1), mlp.DATASETS[name](100, 0.5, 1)
    assert np.std(noisy.X) > np.std(quiet.X) * 1.05


def test_circle_labels_follow_the_radius_without_noise():
    d = mlp.DATASETS["circle"](300, 0.0, 2)
    np.testing.assert_array_equal(d.Y[:, 0], (np.hypot(d.X[:, 0], d.X[:, 1]) < 0.6).astype(float))


def test_spiral_and_blobs_are_balanced():
    for name in ("spiral", "blobs"):
        d = mlp.DATASETS[name](101, 0.1, 0)
        assert abs(np.sum(d.Y) - 50.5) <= 0.5


def test_read_csv_accepts_the_minimal_file():
    d = read_csv("x1,x2,y1\n0,1,1\n")
    np.testing.assert_array_equal(d.X, [[0.0, 1.0]])
    np.testing.assert_array_equal(d.Y, [[1.0]])


def test_read_csv_accepts_a_utf8_byte_order_mark():
    # Excel's "CSV UTF-8" starts the file with U+FEFF; the header must still read as x1,y1.
    d = read_csv("\ufeffx1,y1\n1,2\n")
    np.testing.assert_array_equal(d.X, [[1.0]])


def test_read_csv_several_outputs_spaces_and_crlf():
    d = read_csv("x1, y1 ,y2\r\n 0.5 ,1e-3,-2\r\n\r\n3,4,5\r\n")
    np.testing.assert_array_equal(d.X, [[0.5], [3.0]])
    np.testing.assert_array_equal(d.Y, [[1e-3, -2.0], [4.0, 5.0]])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x1,x2\n0,1\n", ["header", "x1,x2"]),  # no y column
        ("y1,x1\n1,0\n", ["header", "y1,x1"]),  # wrong order
        ("x2,x1,y1\n0,1,1\n", ["header"]),
        ("x1,y1,x2\n1,2,3\n", ["header"]),
        ("x1,x2,y1\n0,abc,1\n", ["row 2, column x2: 'abc' is not a number"]),
        ("x1,y1\n1,2\n3,4\n5,x\n", ["row 4", "column y1", "'x'"]),
        ("x1,x2,y1\n1,nan,2\n", ["row 2", "column x2", "finite"]),
        ("x1,x2,y1\n1,inf,2\n", ["row 2", "column x2", "finite"]),
        ("", ["empty"]),
        ("  \n\n", ["empty"]),
        ("x1,y1\n", ["no data rows"]),
        ("x1,x2,y1\n0,1\n", ["row 2", "2 values", "3 columns"]),  # ragged
        ("x1,x2,y1\n0,1,1,4\n", ["row 2", "4 values"]),
        ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["not text"]),  # binary junk
        ("x1,y1\n1\r2,3\n", ["not valid CSV"]),  # stray carriage return inside a value
        ("x1,y1\n" + "1" * 200_000 + ",2\n", ["not valid CSV"]),  # over csv's field limit
    ],
)
def test_read_csv_rejects_with_one_sentence(text, words):
    with pytest.raises(DataError) as caught:
        read_csv(text)
    message = str(caught.value)
    assert message.startswith("CSV: ") and message.endswith(".") and "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_read_csv_limits_rows_and_columns():
    assert read_csv("x1,y1\n" + "1,2\n" * MAX_ROWS).X.shape == (MAX_ROWS, 1)
    with pytest.raises(DataError, match=f"the file has {MAX_ROWS + 2:,} lines; at most {MAX_ROWS:,} rows"):
        read_csv("x1,y1\n" + "1,2\n" * (MAX_ROWS + 1))
    header = ",".join([f"x{i}" for i in range(1, 64)] + ["y1"])
    assert read_csv(header + "\n" + ",".join(["0"] * MAX_COLUMNS) + "\n").n_inputs == 63
    header = ",".join([f"x{i}" for i in range(1, 65)] + [f"y{j}" for j in range(1, 65)])  # 64 inputs, 64 targets
    assert read_csv(header + "\n" + ",".join(["0"] * 128) + "\n").X.shape == (1, MAX_COLUMNS)
    header = ",".join([f"x{i}" for i in range(1, 66)] + ["y1"])
    with pytest.raises(DataError, match="65 input columns is too many; at most 64 are allowed"):
        read_csv(header + "\n" + ",".join(["0"] * 66) + "\n")
    header = ",".join([f"x{i}" for i in range(1, 66)] + [f"y{j}" for j in range(1, 66)])
    with pytest.raises(DataError, match="the header has 130 columns; at most 64 inputs and 64 targets are allowed"):
        read_csv(header + "\n" + ",".join(["0"] * 130) + "\n")


@pytest.mark.parametrize(
    ("text", "words"),
    [("x1,y1\n" + "1,2\n" * 2_500_000, "the file has 2,500,001 lines"),
     ("x1,y1\n" + "1," * 3_000_000 + "2\n", "row 2 has 3,000,001 columns"),
     ("junk," * 2_000_000, "the header has 2,000,001 columns")],
    ids=["10MB-of-short-rows", "6MB-row", "10MB-header"],
)  # fmt: skip
def test_read_csv_counts_before_it_parses(text, words):
    """A 10 MB CSV of short rows cost 8-15 s and 600-790 MB before the row limit refused it."""
    tracemalloc.start()
    start = time.process_time()
    try:
        with pytest.raises(DataError, match=words):
            read_csv(text)
        seconds, peak = time.process_time() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2.5 * len(text), peak  # one stripped copy of the text, nothing parsed
    assert seconds < 1.0, seconds


def test_read_csv_to_csv_round_trip_exact():
    rng = np.random.default_rng(0)
    tiny = rng.normal(size=(6, 3)) * 10.0 ** rng.integers(-300, 5, size=(6, 3))  # within the values' limit
    d = Dataset(tiny, rng.uniform(size=(6, 2)))
    back = read_csv(to_csv(d))
    np.testing.assert_array_equal(back.X, d.X)
    np.testing.assert_array_equal(back.Y, d.Y)
    assert to_csv(d).splitlines()[0] == "x1,x2,x3,y1,y2"


@pytest.mark.parametrize("name", mlp.DATASETS)
def test_every_dataset_survives_csv_round_trip(name):
    d = mlp.DATASETS[name](20, 0.1, 0)
    back = read_csv(to_csv(d))
    np.testing.assert_array_equal(back.X, d.X)
    np.testing.assert_array_equal(back.Y, d.Y)


# One reader for every table: CSV files, the page's table and the inputs/targets settings.


@pytest.mark.parametrize(
    ("rows", "words"),
    [([], "there are no rows"),
     ([[1, 2], [3]], "row 2 has 1 value but row 1 has 2; give every row 2"),
     ([[1, None]], "row 1, column 2 is empty"),
     ([[1, " "]], "row 1, column 2 is empty"),
     ([[1, "abc"]], "row 1, column 2: 'abc' is not a number"),
     ([[1, True]], "row 1, column 2: 'True' is not a number"),
     ([[1, [2]]], "row 1, column 2: '[2]' is not a number"),
     ([[1, "nan"]], "row 1, column 2: 'nan' is not a finite number"),
     ([[float("inf")]], "row 1, column 1: inf is not a finite number"),
     ([[1e300]], "row 1, column 1: 1e+300 is out of range; use numbers from -1,000,000 to 1,000,000"),
     ([[10**400]], "row 1, column 1: '1000000000000000000000000000000000000...' is out of range"),
     ([[1]] * (MAX_ROWS + 1), "10,001 rows is too many; at most 10,000"),
     ([[0] * 65], "65 columns is not allowed; use 1 to 64"),
     ([5], "row 1 is '5', not a row of numbers"),
     ([["x" * 5000]], "row 1, column 1: '" + "x" * 37 + "...' is not a number")],
)  # fmt: skip
def test_numbers_names_the_first_bad_cell(rows, words):
    with pytest.raises(DataError) as caught:
        numbers(rows, "inputs")
    message = str(caught.value)
    assert caught.value.field == "inputs" and message.startswith("inputs: ") and message.endswith(".")
    assert words in message, message


def test_numbers_reads_text_and_numbers_alike():
    cells = [["1", " 2.5 ", 3], [4.0, "-1e-300", "1_000"]]
    np.testing.assert_array_equal(numbers(cells, "t"), [[1, 2.5, 3], [4, -1e-300, 1000]])


def test_the_three_tables_speak_alike():
    """A CSV, a setting's table and the page's table refuse the same cell in the same words."""
    from mlp.config import Config, ConfigError

    with pytest.raises(DataError) as csv_error:
        read_csv("x1,y1\n0,1\n2,abc\n")
    with pytest.raises(ConfigError) as setting_error:
        Config.from_mapping({"data": "custom", "inputs": "0;2", "targets": "1;abc"})
    assert str(csv_error.value) == "CSV: row 3, column y1: 'abc' is not a number."
    assert str(setting_error.value) == "targets: row 2, column 1: 'abc' is not a number."


def test_csv_echoes_of_user_text_are_short():
    with pytest.raises(DataError) as caught:
        read_csv("x1," + "y" * 5000 + "\n0,1\n")
    assert "'x1," + "y" * 34 + "...'" in str(caught.value)
    assert len(str(caught.value)) < 3 * ECHO_LENGTH + 100


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80) | st.binary(max_size=80).map(lambda b: b.decode("latin-1")))
def test_read_csv_any_text_gives_dataset_or_data_error(text):
    try:
        d = read_csv(text)
    except DataError as error:
        assert str(error).startswith("CSV: ")
    else:
        assert d.X.shape[0] == d.Y.shape[0] >= 1 and np.isfinite(d.X).all() and np.isfinite(d.Y).all()
