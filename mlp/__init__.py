"""Backprop Lab's engine: a multilayer perceptron in numpy, in the learner's notation.

``W^l`` has shape ``(1 + n_l, n_{l+1})`` with the bias in row 0; data is
``(observations, features)``. Start with :class:`Config` and :func:`train`.
"""

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
