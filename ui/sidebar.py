"""The sidebar: one widget per setting, made from the table of settings, and a Config out.

Each widget is made from its setting's entry in ``mlp.fields.FIELDS``: its key is the setting's
name (``init_scale``), and its label, help, bounds, step, number format and options come from the
table. Widgets are bound to the URL query parameter of the same name (``bind="query-params"``), so
the address bar reproduces the current run (settings at their default are left out). This module
links two kinds of setting itself, under the same names: a choice shown by labels (the data set:
Streamlit's binding would write the label into the link, and links keep names), and the custom
tables (no widget of their own, and left out of a link too short to hold them). :func:`check_link`
vets a link's parameters before any widget reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from lab.text import plain
from mlp import INITIALIZERS, Config, ConfigError, DataError, read_csv
from mlp.config import RECIPE_KEEPS, most_iterations, query_text, recipe
from mlp.data import DATASETS, MAX_FILE_BYTES, MAX_ROWS, Dataset, from_rows
from mlp.echo import echo
from mlp.fields import FIELDS, MAX_TEXT, Choice, Field
from ui import state
from ui.uploads import read_upload

DEFAULTS = Config()
MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # mlp.data's one limit, under the name the page's uploaders import
WIDGETS = tuple(name for name, field in FIELDS.items() if field.kind.widget != "table")  # settings with a widget
TABLES = tuple(name for name, field in FIELDS.items() if field.kind.widget == "table")  # inputs, targets
GENERATOR = tuple(name for name in WIDGETS if FIELDS[name].section == "Data" and name != "data")
PAGE_PARAMS = ("tab",)  # parameters of the page itself, not of the run
SETTINGS = "the settings (the sidebar; on a narrow screen, » at the top left opens it)"  # where they are, said
TOO_LONG_FOR_A_LINK = (
    "This table is too large for a link, so the address leaves it out: save the run with 'Download', "
    "'Run as JSON' above the tabs, and open it again with 'Add a run from a JSON file' on Compare or with "
    "python -m mlp --config."
)


def widget_value(name: str, config: Config = DEFAULTS) -> Any:
    """``config``'s value of setting ``name`` as its widget holds it (layer sizes as text)."""
    value = getattr(config, name)
    return query_text(list(value)) if name == "layers" else value


def _labelled(field: Field) -> bool:
    """A choice shown by labels: Streamlit's binding would put the label in the link, so this module links it."""
    return isinstance(field.kind, Choice) and any(field.kind.label(o) != o for o in field.kind.options())


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] + ("" if phrase.endswith(".") else ".")


def _widget(name: str, where: Any = st.sidebar, **changes: Any) -> Any:
    """The widget of setting ``name``, made from its entry in FIELDS, drawn in ``where``; its value.

    ``changes`` replace the table's arguments (a label that follows another setting, a bound the
    work budget sets, a callback).
    """
    field, kind = FIELDS[name], FIELDS[name].kind
    args: dict[str, Any] = {"label": field.label, "key": name, "help": _sentence(field.help)}
    if kind.widget == "choice":
        # Radio buttons, not a selectbox: every option in sight (five activations, three costs), one click.
        options = list(kind.options())
        args |= {"options": options, "index": options.index(field.default)}
        # Named options (the data sets) one to a line; the short codes side by side.
        args |= {"format_func": kind.label} if _labelled(field) else {"bind": "query-params", "horizontal": True}
        draw = where.radio
    elif kind.widget == "number":
        args |= {"min_value": kind.low, "max_value": kind.high, "value": field.default, "bind": "query-params"}
        args |= {"step": field.step, "format": field.format}
        draw = where.number_input
    else:
        args |= {"value": widget_value(name), "bind": "query-params"}
        draw = where.text_input
    args |= changes
    return draw(**{key: value for key, value in args.items() if value is not None})


def _link(name: str, text: str | None) -> None:
    """Put setting ``name`` in the link as ``text``, or leave it out (``None``)."""
    if text is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != text:
        st.query_params[name] = text


def check_link() -> list[str]:
    """Vet the URL's query parameters once per session, before any widget reads them.

    Unknown names and invalid values are removed and each gives one sentence for the user; so are
    settings that do not fit together (layers that do not match the data). A link naming data but
    no layers gets the default hidden sizes framed by that data. Settings this module links itself
    start from the link (the data set, the custom table). When anything was removed the page reruns
    at once, so the widgets start from the cleaned link (they read a link as it arrived).
    """
    if st.session_state.get("link_checked"):
        return st.session_state.pop("link_notes", [])
    st.session_state.link_checked = True
    params = st.query_params
    notes, values = [], {}
    for key in [k for k in params if k not in PAGE_PARAMS]:
        if key not in FIELDS:
            notes.append(f"The link's {echo(key)} is not a setting and was ignored.")
        else:
            try:
                values[key] = FIELDS[key].parse(params.get(key, ""))
                continue
            except ConfigError as error:
                notes.append(f"The link's {error} The default is used instead.")
        del params[key]
    while values:  # settings that are valid alone but not together: drop the one named, and retry
        try:
            config = Config.from_mapping(_within_budget(values))
            break
        except ConfigError as error:
            notes.append(f"The link's {error} The default is used instead.")
            values.pop(error.field if error.field in values else next(iter(values)))
            params.pop(error.field, None)
    else:
        config = DEFAULTS
    if "data" in values and "layers" not in params and config.layers != DEFAULTS.layers:
        params["layers"] = query_text(list(config.layers))
    for name in values.keys() & {name for name in WIDGETS if _labelled(FIELDS[name])}:
        st.session_state[name] = getattr(config, name)
    if config.data == "custom":
        st.session_state.custom_table = table_of(config.dataset)
    if notes or ("layers" in params and "layers" not in values):
        st.session_state.link_notes = notes
        st.rerun()
    return notes


def _within_budget(values: dict[str, Any]) -> dict[str, Any]:
    """A link's values; without ``iterations``, the widget's default for that network (see :func:`_iterations`)."""
    if "iterations" in values:
        return values
    return values | {"iterations": min(FIELDS["iterations"].default, _most_iterations(values))}


def init_state() -> None:
    """Session values that are not widgets: the editable custom table."""
    if "custom_table" not in st.session_state:
        st.session_state.custom_table = table_of(DEFAULTS.dataset)


def table_of(data: Dataset) -> pd.DataFrame:
    """The editable table of a data set: columns x1..xk then y1..ym."""
    columns = [f"x{i + 1}" for i in range(data.n_inputs)] + [f"y{j + 1}" for j in range(data.n_outputs)]
    return pd.DataFrame(np.hstack([data.X, data.Y]), columns=columns)


def dataset_from_table(table: pd.DataFrame) -> Dataset:
    """The data set in an edited table, read like a CSV's rows (``mlp.data.from_rows``); DataError otherwise."""
    cells = table.astype(object).where(table.notna(), None).to_numpy().tolist()
    return from_rows([str(c) for c in table.columns], cells, "data table", first_row=1)


def _follow_data() -> None:
    """When the data changes, keep the hidden sizes and frame them with the data's sizes."""
    try:
        hidden = FIELDS["layers"].parse(st.session_state.layers)[1:-1]
    except ConfigError:
        hidden = DEFAULTS.layers[1:-1]
    data = _current_dataset()
    if data is not None:
        st.session_state.layers = query_text([data.n_inputs, *hidden, data.n_outputs])


def _current_dataset() -> Dataset | None:
    s = st.session_state
    try:
        if s.data == "custom":
            return dataset_from_table(s.custom_table)
        return DATASETS[s.data](*(FIELDS[name].parse(s.get(name, FIELDS[name].default)) for name in GENERATOR))
    except ConfigError:
        return None


def recipe_words(settings: dict[str, Any]) -> str:
    """A recipe in a line: ``2-4-1, tanh then sigmoid, cross_entropy, xavier 1, adam at lr 0.02, 2,000 iterations``."""
    return (
        f"{query_text(list(settings['layers'])).replace(',', '-')}, {settings['activation']} then "
        f"{settings['output_activation']}, {settings['loss']}, {settings['init']} {settings['init_scale']:g}, "
        f"{settings['optimizer']} at lr {settings['lr']:g}, {settings['iterations']:,} iterations"
    )


def _apply_recipe() -> None:
    """The data set's recipe into the sidebar, keeping the data and the seed (a button's callback)."""
    s = st.session_state
    kept = {name: s[name] for name in RECIPE_KEEPS if name in WIDGETS and name in s}
    config = recipe(Config.from_mapping(kept | {"iterations": 0}))
    apply_config(config)
    label = DATASETS[config.data].label
    s[state.SET_UP_NOTE] = f"Settings that learn {label}: {recipe_words(config.to_mapping())}."


def _new_seed() -> None:
    st.session_state.seed = int(np.random.default_rng().integers(0, 1_000_000))


def apply_config(config: Config) -> None:
    """Set every sidebar widget to ``config`` (in a callback: the next run reads it, and the URL follows)."""
    for name in WIDGETS:
        st.session_state[name] = widget_value(name, config)
    if config.data == "custom":
        st.session_state.custom_table = table_of(config.dataset)
        st.session_state.pop("table_editor", None)


def data_section() -> dict[str, Any]:
    """Data set (shown by name, linked by name), generator settings, and the custom table with its upload."""
    st.sidebar.header("Data")
    name = _widget("data", on_change=_follow_data)
    _link("data", None if name == DEFAULTS.data else name)
    settings = DATASETS[name].recipe if name in DATASETS else {}
    st.sidebar.button(
        "Settings that learn this data set",
        on_click=_apply_recipe,
        disabled=not settings,
        width="stretch",
        help=f"{recipe_words(settings)}. The data and the random seed are kept."
        if settings
        else "Your own table has no recipe: the data sets above have one each.",
    )
    values: dict[str, Any] = {"data": name}
    if name in DATASETS and DATASETS[name].generated:
        values |= {key: _widget(key) for key in GENERATOR}
    if name == "custom":
        values.update(custom_data())
    _link_tables(values)
    return values


def _link_tables(values: dict[str, Any]) -> None:
    """Put the custom tables in the link while they are in use, unless they are too long for one."""
    texts = {name: _link_text(values[name]) for name in TABLES if name in values}
    if None in texts.values():
        st.sidebar.info(TOO_LONG_FOR_A_LINK)
        texts = {}
    for name in TABLES:
        _link(name, texts.get(name))


def _link_text(table: list[list[float]]) -> str | None:
    """A table as link text, or None when it would be longer than a setting's text may be (MAX_TEXT)."""
    if 2 * len(table) * len(table[0]) - 1 > MAX_TEXT:  # each number takes a character and a separator
        return None
    text = query_text(table)
    return text if len(text) <= MAX_TEXT else None


def custom_data() -> dict[str, Any]:
    """The editable table (inputs x1..xk, targets y1..ym) and a CSV upload that replaces it."""
    upload = st.sidebar.file_uploader(
        "Upload CSV (x1..xk, y1..ym)", type=["csv"], key="csv_upload", max_upload_size=MAX_FILE_BYTES // 1_000_000
    )
    if upload is not None and st.session_state.get("csv_loaded") != upload.file_id:
        st.session_state.csv_loaded = upload.file_id
        text = read_upload(upload, "CSV", "upload a CSV with columns x1..xk then y1..ym")
        st.session_state.custom_table = table_of(read_csv(text))
        st.session_state.pop("table_editor", None)
        _follow_data()
    asked = _undo_long_edits()
    edited = st.sidebar.data_editor(
        st.session_state.custom_table, num_rows="dynamic", key="table_editor", hide_index=True
    )
    if asked:
        rule = f"at most {MAX_ROWS:,} are allowed, so the edit was undone"
        raise DataError("data table", f"{asked:,} rows is too many; {rule}.")
    data = dataset_from_table(edited)
    return {"inputs": data.X.tolist(), "targets": data.Y.tolist()}


def _undo_long_edits() -> int:
    """Drop edits that would give the table more than MAX_ROWS rows; the rows they asked for, or 0.

    This runs before the editor applies the edits: applying 20,000 pasted rows costs tens of seconds
    of CPU, on every rerun for as long as they stay.
    """
    edits = st.session_state.get("table_editor")
    if not isinstance(edits, dict):
        return 0
    rows = len(st.session_state.custom_table) + len(edits.get("added_rows", [])) - len(edits.get("deleted_rows", []))
    if rows <= MAX_ROWS:
        return 0
    del st.session_state["table_editor"]
    return rows


def network_section() -> dict[str, Any]:
    st.sidebar.header("Network")
    return {name: _widget(name) for name in _section("Network")}


def init_section() -> dict[str, Any]:
    st.sidebar.header("Initialization")
    method = _widget("init")
    values = {
        "init": method,
        "init_scale": _widget("init_scale", label=INITIALIZERS[method].scale),
        "noise": _widget("noise"),
    }
    seed_col, button_col = st.sidebar.columns([3, 2], vertical_alignment="bottom")
    values["seed"] = _widget("seed", where=seed_col)
    button_col.button("New seed", on_click=_new_seed, help="Draw another seed; nothing else changes")
    return values


def training_section(values: dict[str, Any]) -> dict[str, Any]:
    """Optimizer, learning rate, iterations (bounded by the work budget of ``values``' network), snapshots
    and how products are summed."""
    st.sidebar.header("Training")
    out = {"optimizer": _widget("optimizer"), "lr": _widget("lr")}
    slot = st.sidebar.container()  # the iterations, drawn once every other setting is known
    out["snapshots"] = _widget("snapshots")
    out["products"] = _widget("products")
    out["iterations"] = _iterations(slot, values | out)
    return out


def _iterations(where: Any, values: dict[str, Any]) -> int:
    """The Iterations widget, its maximum the most the work budget allows for the other settings' run.

    A value over that maximum (the network grew) is lowered to it, and the widget says so; left to
    itself, Streamlit would put the widget back to its default without a word.
    """
    most = _most_iterations(values)
    current = st.session_state.get("iterations")
    note = f"At most {most:,} for this network and data (the work budget)."
    if isinstance(current, int) and current > most:
        st.session_state.iterations = most
        note = f"Lowered from {current:,} to {most:,}, the most the work budget allows for this network and data."
    value = _widget("iterations", where=where, max_value=most, value=min(FIELDS["iterations"].default, most))
    where.caption(note)
    return value


def _most_iterations(values: dict[str, Any]) -> int:
    """``mlp.config.most_iterations`` for these settings; the table's bound while they are not valid yet."""
    try:
        return most_iterations(Config.from_mapping(values | {"iterations": 0}))
    except ConfigError:  # the configuration's own error is shown when it is built
        return FIELDS["iterations"].kind.high


def _section(name: str) -> list[str]:
    return [field.name for field in FIELDS.values() if field.section == name]


def settings() -> Config | None:
    """The link's notes above the page, then the sidebar's configuration; None, with the reason shown, if invalid."""
    for note in check_link():
        st.warning(plain(note))
    try:
        return sidebar()
    except (ConfigError, DataError) as error:
        st.error(plain(str(error)))
        return None


def sidebar() -> Config:
    """Draw the whole sidebar and return its configuration (ConfigError / DataError if invalid)."""
    init_state()
    st.sidebar.button(
        "The question's network",
        on_click=apply_config,
        args=(DEFAULTS,),
        type="primary",
        width="stretch",
        help="2-3-3-2 sigmoid network, every weight and bias 1, lr 0.5, 1,000 iterations",
    )
    values: dict[str, Any] = {}
    errors: list[Exception] = []
    for section in (data_section, network_section, init_section):
        try:
            values.update(section())
        except DataError as error:
            errors.append(error)
    values.update(training_section(values))
    if errors:
        raise errors[0]
    return Config.from_mapping(values)


__all__ = ["ConfigError", "DataError", "dataset_from_table", "sidebar", "table_of"]
