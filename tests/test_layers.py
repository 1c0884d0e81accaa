"""The layers of docs/DESIGN.md, checked on the source: data flows one way, and mlp/ imports numpy only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each layer may import besides the standard library and itself.
ALLOWED = {
    "mlp": {"numpy"},
    "lab": {"numpy", "pandas", "altair", "mlp"},
    "ui": {"numpy", "pandas", "altair", "streamlit", "mlp", "lab"},
}


def imported(path: Path) -> set[str]:
    """The top-level packages ``path`` imports (relative imports count as its own package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(path.parent.name if node.level else node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", ALLOWED)
def test_each_layer_imports_only_what_is_below_it(layer):
    for path in sorted((ROOT / layer).glob("*.py")):
        outside = imported(path) - sys.stdlib_module_names - {"__future__", layer} - ALLOWED[layer]
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


def test_the_streamlit_file_only_wires_the_sidebar_and_the_tabs():
    assert imported(ROOT / "dashboard.py") - sys.stdlib_module_names <= {"__future__", "streamlit", "mlp", "ui"}
