"""A run as plain JSON-ready data: the CLI's ``--json`` and the dashboard's download."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .findings import accuracy, findings
from .training import Run


def plain(value: Any) -> Any:
    """Nested lists of floats, with NaN and infinities as ``None`` (JSON has neither)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def run_to_dict(run: Run, snapshots: bool = False) -> dict[str, Any]:
    """Configuration, status, final figures (cost, accuracy), loss history, the first gradients and the findings.

    With ``snapshots``, also every kept snapshot's iteration, weights and gradients.
    """
    out = {
        "config": run.config.to_mapping(),
        "status": run.status,
        "diverged_at": run.diverged_at,
        "iterations_run": run.iterations_run,
        "final_loss": plain(run.final_loss) if len(run.loss_history) else None,
        "accuracy": accuracy(run),
        "outputs": plain(run.outputs),
        "targets": plain(run.targets),
        "distinct_neurons": plain(run.distinct_neurons[-1]),
        "symmetry_gap": plain(run.symmetry_gap[-1]),
        "loss_history": plain(run.loss_history),
        "first_gradients": plain(run.gradients[0]),
        "findings": [plain(f.to_dict()) for f in findings(run)],
    }
    if snapshots:
        out["snapshots"] = [
            {"iteration": int(k), "weights": plain(W), "gradients": plain(G)}
            for k, W, G in zip(run.snapshot_iterations, run.weights, run.gradients)
        ]
    return out
