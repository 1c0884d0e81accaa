"""``python -m mlp``: train one configuration and print what happened.

Flags are the configuration's names (``--init-scale`` for ``init_scale``). Any bad value gives
one line on stderr naming the field, the value and what is allowed, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .config import RECIPE_KEEPS, Config, ConfigError, recipe
from .data import MAX_FILE_BYTES, DataError, read_csv
from .echo import echo
from .export import run_to_dict
from .fields import FIELDS, Choice, Field, Integer, Real
from .findings import accuracy, findings
from .tracing import trace
from .training import Run, train

# argparse quotes what the user typed with repr(): 'text' or "text".
_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


class UsageError(Exception):
    """A command-line mistake that is not a setting's value (unknown flag, unreadable file)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block, and what the user typed echoed
        message = _QUOTED.sub(lambda m: echo(m.group(1) if m.group(1) is not None else m.group(2)), message)
        raise UsageError(f"{message}; see python -m mlp --help.")


def _help(field: Field) -> str:
    """A flag's help from the table: the field's help, its options when it is a choice, its default."""
    text = field.help
    if isinstance(field.kind, Choice):
        options = [o if field.kind.label(o) == o else f"{o} = {field.kind.label(o)}" for o in field.kind.options()]
        text += f"; one of: {', '.join(options)}"
    elif isinstance(field.kind, (Integer, Real)):
        text += f"; {field.kind.rule}"
    default = "none" if field.default is None else field.default
    default = ",".join(map(str, default)) if isinstance(default, tuple) else default
    return f"{text} (default: {default})".replace("%", "%%")  # argparse formats help with %


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m mlp",
        description="Train a small multilayer perceptron; the defaults are the question's 2-3-3-2 run, every weight 1.",
        allow_abbrev=False,
    )
    for field in FIELDS.values():
        p.add_argument(field.flag, dest=field.name, metavar="VALUE", help=_help(field))
    p.add_argument("--data-file", metavar="CSV", help="custom data: a CSV with columns x1..xk then y1..ym")
    p.add_argument("--config", metavar="JSON", help="a configuration or exported run (JSON); flags override it")
    p.add_argument(
        "--recipe", action="store_true", help="apply the settings that learn the data set, then the other flags"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    p.add_argument("--trace", action="store_true", help="also print every matrix of the first iteration")
    p.add_argument("--schema", action="store_true", help="print the JSON schema of a configuration and exit")
    return p


def _read(path: str, what: str) -> str:
    """A text file's content, refused by size before it is read."""
    file = Path(path)
    name = echo(file.name or path)
    if not file.is_file():
        raise UsageError(f"{what}: {name} is not a readable file.")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise UsageError(f"{what}: {name} is larger than {MAX_FILE_BYTES // 1_000_000} MB.")
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"{what}: {name} is not a UTF-8 text file.") from None


def _join_values(args: Sequence[str]) -> list[str]:
    """``--flag VALUE`` as ``--flag=VALUE``, so that a value such as -1e-300 is not read as a flag."""
    value_flags = {field.flag for field in FIELDS.values()} | {"--data-file", "--config"}
    out, args = [], list(args)
    while args:
        token = args.pop(0)
        out.append(f"{token}={args.pop(0)}" if token in value_flags and args else token)
    return out


def _parse(args: Sequence[str]) -> argparse.Namespace:
    ns, unknown = _parser().parse_known_args(_join_values(args))
    if unknown:
        raise UsageError(f"unrecognized argument {echo(unknown[0])}; see python -m mlp --help.")
    return ns


def parse_config(args: Sequence[str]) -> Config:
    """The Config that command-line ``args`` describe (raises ConfigError, DataError, UsageError)."""
    return _config(_parse(args))


def _config(ns: argparse.Namespace) -> Config:
    values: dict = {}
    if ns.config:
        values = Config.from_json(_read(ns.config, "config")).to_mapping()
    given = {name: getattr(ns, name) for name in FIELDS if getattr(ns, name) is not None}
    if ns.data_file:
        data = read_csv(_read(ns.data_file, "data-file"))
        given.update(data="custom", inputs=data.X.tolist(), targets=data.Y.tolist())
    if given.keys() & {"data", "inputs", "targets", "points"} and "layers" not in given:
        values.pop("layers", None)  # new data: let the layer sizes follow it
    values.update(given)
    if ns.recipe:  # the data and the seed chosen so far, the recipe, then the other flags
        start = Config.from_mapping({k: v for k, v in values.items() if k in RECIPE_KEEPS} | {"iterations": 0})
        values = recipe(start).to_mapping() | {k: v for k, v in given.items() if k not in RECIPE_KEEPS}
    return Config.from_mapping(values)


def _table(run: Run) -> list[str]:
    out_cols = [f"a^L_{j}" for j in range(run.outputs.shape[1])]
    tgt_cols = [f"y_{j}" for j in range(run.targets.shape[1])]
    lines = ["obs  " + "  ".join(f"{c:>10}" for c in out_cols + tgt_cols)]
    for i, (a, y) in enumerate(zip(run.outputs[:20], run.targets[:20])):
        lines.append(f"{i:<3}  " + "  ".join(f"{v:>10.7f}" if abs(v) < 1e3 else f"{v:>10.3g}" for v in [*a, *y]))
    if len(run.outputs) > 20:
        lines.append(f"... {len(run.outputs) - 20} more observations (use --json for all)")
    return lines


def summary(run: Run) -> str:
    """The readable report: status, final cost (and accuracy), outputs next to targets, the findings' sentences."""
    c = run.config
    lines = [
        f"network   {'-'.join(map(str, c.layers))}, {c.activation}/{c.output_activation}, cost {c.loss}, "
        f"init {c.init} {c.init_scale:g}" + (f" + noise {c.noise:g}" if c.noise else "") + f", seed {c.seed}",
        f"training  {c.optimizer}, lr {c.lr:g}, {c.iterations:,} iterations on data '{c.data}'"
        + (", products summed in order" if c.products == "in_order" else ""),
    ]
    if run.status == "diverged":
        lines.append(f"status    diverged at iteration {run.diverged_at:,}: the cost became NaN or infinite")
    else:
        lines.append(f"status    finished in {run.seconds:.2f} s")
    if len(run.loss_history):
        first, last = run.loss_history[0], run.final_loss
        lines.append(f"cost      {first:.7g} at iteration 0, {last:.7g} at iteration {run.iterations_run:,}")
    share = accuracy(run)
    if share is not None:
        right, n_obs = round(share * len(run.targets)), len(run.targets)
        side = "with every output on the right side of 0.5"
        lines.append(f"accuracy  {share:.1%}: {right:,} of {n_obs:,} observations {side}")
    lines += ["", *_table(run), ""]
    said = findings(run)
    lines += ["findings:", *(f"- {f.sentence}" for f in said)] if said else ["findings: none"]
    return "\n".join(lines)


def trace_text(run: Run) -> str:
    """Every matrix of the first iteration, in the question's order."""
    steps = trace(run.config.architecture, run.weights[0], run.inputs, run.targets)
    with np.printoptions(precision=7, suppress=True, linewidth=120):
        return "\n\n".join(f"{s.symbol}  ({s.phase})\n{s.value}" for s in steps)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        ns = _parse(sys.argv[1:] if argv is None else argv)
        if ns.schema:
            print(json.dumps(Config.json_schema(), indent=2))
            return 0
        config = _config(ns)
    except (ConfigError, DataError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    run = train(config)
    try:
        if ns.json:
            print(json.dumps(run_to_dict(run)))
            return 0
        print(summary(run))
        if ns.trace:
            print("\nFirst iteration, matrix by matrix:\n\n" + trace_text(run))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`python -m mlp | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's own flush cannot fail
        return 141  # 128 + SIGPIPE
    return 0
