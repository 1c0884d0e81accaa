"""Forward and backward passes in the learner's notation, for one run or many at once.

Data is ``(observations, features)``. ``W^l`` maps layer ``l`` to layer ``l + 1`` and has shape
``(1 + n_l, n_{l+1})``, bias in row 0. With ``L`` weight matrices:

    forward   n^{l+1} = [1 | a^l] @ W^l,          a^{l+1} = f(n^{l+1})
    backward  delta^{l+1} = dC/da^{l+1} * f'(n^{l+1})
              dC/dW^l     = [1 | a^l]^T @ delta^{l+1}
              dC/da^l     = delta^{l+1} @ W^l[1:]^T

A :class:`Network` holds ``R`` runs of one architecture on one data set: every array is indexed
with the run axis first (``W^l`` is ``(R, 1 + n_l, n_{l+1})``, ``a^l`` is ``(R, observations,
n_l)``), and a single run is ``R = 1``. A run's arithmetic never depends on the runs stacked with
it, so a run trained alone and the same run inside a sweep agree to the last bit: element-wise
functions compute each entry on its own, and the architecture's ``products`` say how each product
and each run's cost is summed, the same way whatever ``R`` is:

- ``blas``: one BLAS call per run (:func:`matmul`); OpenBLAS fuses each multiply with its add.
- ``in_order``: each entry's terms added one at a time, in order (:func:`in_order`), by
  element-wise multiplies and adds across the runs, whose arrays then hold the run axis last in
  memory. Where every sum has at most ``MOST_TERMS`` terms, a sweep of the question's network
  computes its products twice as fast this way as by a BLAS call per run; one run trains about
  three times slower. A sweep uses it wherever it may (mlp/config.py), a run only when asked.

The two differ in the last bits of a sum, which chaotic training can grow to the first digit.
:func:`forward`, :func:`activations` and :func:`gradients` are the one-run wrappers.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activation_functions import ACTIVATIONS, Activation
from .errors import ConfigError
from .losses import LOSSES, Loss, dot_in_order, dot_per_run

PRODUCTS = {"blas": "numpy's @ (BLAS)", "in_order": "term by term, in order"}
MOST_TERMS = 8  # the most terms a sum may have when products are summed in order


def layer_sizes(weights: list[np.ndarray]) -> tuple[int, ...]:
    """``(n_0, n_1, ..., n_L)`` read off the shapes of ``W^0 .. W^{L-1}``."""
    return (weights[0].shape[-2] - 1,) + tuple(W.shape[-1] for W in weights)


@dataclass(frozen=True)
class Architecture:
    """Everything of a network but its weights: layer sizes (input first), activations, cost, and
    how its products are summed (``PRODUCTS``).

    A cost that needs outputs between 0 and 1 (``cross_entropy``) is refused with any output
    activation but the sigmoid: its gradient formula assumes one.
    """

    layers: tuple[int, ...]
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "sse"
    products: str = "blas"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(int(n) for n in self.layers))
        registries = (("activation", ACTIVATIONS), ("output_activation", ACTIVATIONS), ("loss", LOSSES))
        for field, registry in (*registries, ("products", PRODUCTS)):
            if getattr(self, field) not in registry:
                raise ConfigError(field, f"{getattr(self, field)!r} is not one of: {', '.join(registry)}.")
        if LOSSES[self.loss].needs_sigmoid_output and self.output_activation != "sigmoid":
            raise ConfigError(
                "loss",
                f"{self.loss} needs output_activation sigmoid (outputs between 0 and 1), not {self.output_activation}.",
            )

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """``(1 + n_l, n_{l+1})`` for each ``W^l``."""
        return [(1 + n_in, n_out) for n_in, n_out in zip(self.layers, self.layers[1:])]

    @property
    def n_params(self) -> int:
        return sum(rows * cols for rows, cols in self.shapes)

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views ``W^0 .. W^{L-1}`` into ``flat`` of shape ``(..., n_params)``, each ``(..., 1 + n_l, n_{l+1})``."""
        offsets = np.cumsum([0] + [rows * cols for rows, cols in self.shapes])
        lead = flat.shape[:-1]
        return [flat[..., i:j].reshape(*lead, *shape) for i, j, shape in zip(offsets, offsets[1:], self.shapes)]

    def most_terms(self, observations: int) -> int:
        """The most terms any sum of the passes has: ``1 + n_l`` in ``n^{l+1}``, the observations in
        ``dC/dW^l``, ``n_{l+1}`` in ``dC/da^l``, observations x ``n_L`` in the cost."""
        layers = self.layers
        return max(1 + max(layers[:-1]), observations, max(layers[2:], default=0), observations * layers[-1])

    def check_products(self, observations: int) -> None:
        """Refuse ``in_order`` products on a network with a sum of more than ``MOST_TERMS`` terms."""
        terms = self.most_terms(observations)
        if self.products == "in_order" and terms > MOST_TERMS:
            raise ConfigError(
                "products",
                f"in_order sums at most {MOST_TERMS} terms, and this network on {observations:,} observations has "
                f"sums of {terms:,}; use blas.",
            )

    def check(self, weights: list[np.ndarray]) -> None:
        """Refuse weights whose shapes are not ``(1 + n_l, n_{l+1})`` for these layers."""
        if any(W.ndim != 2 for W in weights) or layer_sizes(weights) != self.layers:
            shapes = ", ".join(str(W.shape) for W in weights)
            raise ConfigError("weights", f"shapes {shapes} do not fit layers {self.layers}.")


def matmul(A: np.ndarray, B: np.ndarray, out: np.ndarray) -> Callable[[], np.ndarray]:
    """A call that computes ``out[r] = A[r] @ B[r]`` for every run ``r`` of ``(R, i, k) @ (R, k, j)``.

    It makes one BLAS call per run, the same whatever ``R`` is: numpy's matmul makes that call for
    each matrix of a stack, and for a single run the 2-D ``dot`` of the same matrices makes it at a
    quarter of matmul's overhead on the question's 2 x 3 matrices (tests/test_network.py checks that
    both agree to the bit). The operands are buffers that never move, so the call is made once.
    """
    if len(out) == 1:
        return functools.partial(np.ndarray.dot, A[0], B[0], out[0])
    return functools.partial(np.matmul, A, B, out)


def in_order(A: np.ndarray, B: np.ndarray, out: np.ndarray) -> Callable[[], np.ndarray]:
    """A call that computes ``out[r] = A[r] @ B[r]`` for every run ``r`` of ``(R, i, k) @ (R, k, j)``,
    each entry's ``k`` terms added one at a time: ``((A[:, 0] B[0] + A[:, 1] B[1]) + A[:, 2] B[2]) + ...``.

    One multiply makes every term (``terms[:, :, t]`` is ``A[:, t] B[t]``), then ``k - 1`` adds sum
    them in order: element-wise operations over all runs at once, so each run's arithmetic is the
    same whatever ``R`` is. With the run axis last in memory, numpy works along the runs.
    """
    R, rows, k = A.shape
    terms = _stack(R, (rows, k, out.shape[-1]), run_last=True)
    a, b = A[:, :, :, None], B[:, None, :, :]
    term = [terms[:, :, t] for t in range(k)]

    def call() -> np.ndarray:
        np.multiply(a, b, terms)
        if k == 1:
            np.copyto(out, term[0])
            return out
        np.add(term[0], term[1], out)
        for t in term[2:]:
            np.add(out, t, out)
        return out

    return call


def _stack(R: int, shape: tuple[int, ...], run_last: bool) -> np.ndarray:
    """Zeros indexed ``(R, *shape)``; with ``run_last`` held in memory as ``(*shape, R)``."""
    return np.moveaxis(np.zeros((*shape, R)), -1, 0) if run_last else np.zeros((R, *shape))


class Network:
    """Buffers and passes of ``runs`` runs of one architecture on one data set (indexed run axis first).

    ``params`` is ``(R, P)``; ``weights[l]`` is a ``(R, 1 + n_l, n_{l+1})`` view into it and
    ``grads[l]`` the matching view into ``flat_grads``, so an optimizer steps every matrix of every
    run at once. After :meth:`forward`, ``inputs[l]`` holds ``[1 | a^l]``, ``n[l]`` holds ``n^{l+1}``,
    ``a[l]`` holds ``a^{l+1}`` (``output`` is ``a^L``) and ``costs`` each run's ``C``. After
    :meth:`backward`, ``dC_da[l]``, ``slopes[l]`` and ``deltas[l]`` hold ``dC/da^{l+1}``,
    ``f'(n^{l+1})`` and ``delta^{l+1}``. Every buffer is allocated here, and each product of the
    passes is bound to its buffers here (see :func:`matmul` and :func:`in_order`): a step allocates
    nothing but, summed in order, the cost's terms. ``forward_only`` networks (no targets) never
    read their cost, which may then have any number of terms.
    """

    def __init__(
        self, architecture: Architecture, X: np.ndarray, Y: np.ndarray, runs: int = 1, forward_only: bool = False
    ):
        self.architecture = architecture
        layers, L, R, n_obs = architecture.layers, len(architecture.layers) - 1, runs, X.shape[0]
        architecture.check_products(0 if forward_only else n_obs)  # a forward pass sums over no observations
        hidden, output = ACTIVATIONS[architecture.activation], ACTIVATIONS[architecture.output_activation]
        self.f: list[Activation] = [hidden] * (L - 1) + [output]
        self.loss: Loss = LOSSES[architecture.loss]
        self.Y = np.array(Y, dtype=float)[None]  # (1, observations, outputs): the same for every run
        run_last = architecture.products == "in_order"
        product = in_order if run_last else matmul
        self.dot = dot_in_order if run_last and not forward_only else dot_per_run  # forward_only: costs unread

        self.params = _stack(R, (architecture.n_params,), run_last)
        self.flat_grads = _stack(R, (architecture.n_params,), run_last)
        self.weights = architecture.split(self.params)
        self.grads = architecture.split(self.flat_grads)
        assert all(np.shares_memory(W, self.params) for W in self.weights), "weights must be views of params"
        # [1 | a^0] is the same for every run: one matrix, seen R times (a view with stride 0).
        ones_X = np.hstack([np.ones((n_obs, 1)), np.array(X, dtype=float)])
        self.inputs = [np.broadcast_to(ones_X, (R, *ones_X.shape))]
        self.inputs += [_stack(R, (n_obs, 1 + n), run_last) for n in layers[1:-1]]
        for x in self.inputs[1:]:
            x[..., 0] = 1.0
        self.n, self.a, self.dC_da, self.slopes, self.deltas = (
            [_stack(R, (n_obs, n), run_last) for n in layers[1:]] for _ in range(5)
        )
        self.costs = np.empty(R)
        self.a_in_inputs = [x[..., 1:] for x in self.inputs[1:]]  # a^{l+1} inside [1 | a^{l+1}]
        # The products of the passes below, each bound once to its buffers.
        self.n_product = [product(x, W, n) for x, W, n in zip(self.inputs, self.weights, self.n)]
        self.dW_product = [product(x.transpose(0, 2, 1), d, G) for x, d, G in zip(self.inputs, self.deltas, self.grads)]
        self.dC_da_product = [None] + [
            product(d, W[:, 1:].transpose(0, 2, 1), g) for d, W, g in zip(self.deltas[1:], self.weights[1:], self.dC_da)
        ]

    @property
    def output(self) -> np.ndarray:
        """``a^L``, shape ``(R, observations, n_L)``."""
        return self.a[-1]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``W^0 .. W^{L-1}`` (each ``(1 + n_l, n_{l+1})``, or ``(R, ...)`` per run) into ``params``."""
        for dst, src in zip(self.weights, weights):
            dst[...] = src

    def forward(self, costs: np.ndarray | None = None) -> np.ndarray:
        """The forward pass on the current weights: each run's cost ``C`` into ``costs`` ``(R,)``
        (``self.costs`` if not given), which it returns; fills ``dC/da^L``."""
        for l, f in enumerate(self.f):
            self.n_product[l]()  # n^{l+1} = [1 | a^l] W^l
            f.value(self.n[l], self.a[l])  # a^{l+1} = f(n^{l+1})
            if l < len(self.a_in_inputs):
                np.copyto(self.a_in_inputs[l], self.a[l])  # into [1 | a^{l+1}]
        costs = self.costs if costs is None else costs
        return self.loss.evaluate(self.n[-1], self.a[-1], self.Y, self.dC_da[-1], costs, self.dot)

    def backward(self) -> None:
        """Fill ``grads`` with ``dC/dW^l`` for the weights of the last :meth:`forward`."""
        last = len(self.f) - 1
        for l in range(last, -1, -1):
            if l == last and self.loss.output_delta is not None:  # cross_entropy after a sigmoid
                self.loss.output_delta(self.a[l], self.Y, self.deltas[l])  # delta^L = (a^L - y) / count
            else:
                self.f[l].slope(self.n[l], self.a[l], self.slopes[l])  # da^{l+1}/dn^{l+1} = f'(n^{l+1})
                np.multiply(self.dC_da[l], self.slopes[l], self.deltas[l])  # delta^{l+1} = dC/da^{l+1} * f'
            self.dW_product[l]()  # dC/dW^l = [1 | a^l]^T delta^{l+1}
            if l > 0:
                self.dC_da_product[l]()  # dC/da^l = delta^{l+1} W^l[1:]^T


def _one_run(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray | None) -> Network:
    """A one-run network holding ``weights`` (checked against ``architecture``)."""
    architecture.check(weights)
    if Y is None:  # no targets: a cost that accepts any output, never read
        Y = np.zeros((len(X), architecture.layers[-1]))
        net = Network(dataclasses.replace(architecture, loss="sse"), X, Y, forward_only=True)
    else:
        net = Network(architecture, X, Y)
    net.set_weights(weights)
    return net


def activations(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray) -> list[np.ndarray]:
    """``a^0 .. a^L`` for inputs ``X``; ``a^l`` has shape ``(observations, n_l)``."""
    net = _one_run(architecture, weights, X, None)
    with np.errstate(all="ignore"):  # blown-up weights give inf/NaN, silently
        net.forward()
    return [np.array(X, dtype=float)] + [a[0].copy() for a in net.a]


def forward(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray) -> np.ndarray:
    """The network's output ``a^L``, shape ``(observations, n_L)``, for inputs ``X``."""
    return activations(architecture, weights, X)[-1]


@dataclass(frozen=True)
class Gradients:
    """The cost and ``dC/dW^l`` for every weight matrix, at one set of weights."""

    loss: float
    grads: list[np.ndarray]


def gradients(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> Gradients:
    """Cost and analytic gradients ``dC/dW^l`` (same shapes as ``weights``)."""
    net = _one_run(architecture, weights, X, Y)
    with np.errstate(all="ignore"):  # blown-up weights give inf/NaN, silently (as in `activations`)
        cost = net.forward()[0]
        net.backward()
    return Gradients(float(cost), [G[0].copy() for G in net.grads])
