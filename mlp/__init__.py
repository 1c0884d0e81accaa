"""Backprop Lab's engine: a multilayer perceptron in numpy, in the learner's notation.

``W^l`` has shape ``(1 + n_l, n_{l+1})`` with the bias in row 0; data is
``(observations, features)``. Start with :class:`Config` and :func:`train`.

Importing ``mlp`` before numpy keeps numpy's BLAS to one thread (unless ``OPENBLAS_NUM_THREADS`` says
otherwise): the engine's products are small, and on a shared 2-core server two BLAS threads fighting
other work cost up to four times the CPU of one (the circle recipe on 1,000 points: 1.87 s of CPU
against 0.45 s; 2-256-256-1 on 2,000 points: 0.63 s against 0.25 s).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .activation_functions import ACTIVATIONS
from .config import Config, ConfigError, SweepSpec, recipe
from .data import DATASETS, DataError, Dataset, read_csv
from .findings import Finding, accuracy, chaotic, findings
from .gradcheck import gradient_check
from .initializers import INITIALIZERS, initial_weights
from .losses import LOSSES
from .network import Architecture, Network, activations, forward, gradients
from .optimizers import OPTIMIZERS
from .symmetry import clone_groups, layer_symmetry, metrics_work
from .tracing import Step, trace
from .training import Run, SweepResult, sweep, train

__all__ = [
    "ACTIVATIONS",
    "Architecture",
    "DATASETS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "Config",
    "ConfigError",
    "DataError",
    "Dataset",
    "Finding",
    "Network",
    "Run",
    "Step",
    "SweepResult",
    "SweepSpec",
    "accuracy",
    "activations",
    "chaotic",
    "clone_groups",
    "findings",
    "forward",
    "gradient_check",
    "gradients",
    "initial_weights",
    "layer_symmetry",
    "metrics_work",
    "read_csv",
    "recipe",
    "sweep",
    "trace",
    "train",
]
