"""Forward and backward passes in the learner's notation.

Data is ``(observations, features)``. ``W^l`` maps layer ``l`` to layer ``l + 1`` and has shape
``(1 + n_l, n_{l+1})``, bias in row 0. With ``L`` weight matrices:

    forward   n^{l+1} = [1 | a^l] @ W^l,          a^{l+1} = f(n^{l+1})
    backward  delta^{l+1} = dC/da^{l+1} * f'(n^{l+1})
              dC/dW^l     = [1 | a^l]^T @ delta^{l+1}
              dC/da^l     = delta^{l+1} @ W^l[1:]^T

:class:`Network` owns every buffer of these equations for one architecture and one data set, so
a training step allocates nothing; :func:`forward` and :func:`gradients` are the pure wrappers.
Products are ``a.dot(b, out)`` and element-wise calls take ``out`` positionally: on the question's
2 x 3 matrices numpy's argument handling costs more than the arithmetic, and these forms are
the cheapest (see benchmarks/engine.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation
from .errors import ConfigError
from .losses import LOSSES, Loss


def layer_sizes(weights: list[np.ndarray]) -> tuple[int, ...]:
    """``(n_0, n_1, ..., n_L)`` read off the shapes of ``W^0 .. W^{L-1}``."""
    return (weights[0].shape[0] - 1,) + tuple(W.shape[1] for W in weights)


@dataclass(frozen=True)
class Architecture:
    """Everything of a network but its weights: layer sizes (input first), activations and cost.

    A cost that needs outputs between 0 and 1 (``cross_entropy``) is refused with any output
    activation but the sigmoid: its gradient formula assumes one.
    """

    layers: tuple[int, ...]
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "sse"

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(int(n) for n in self.layers))
        for field, registry in (("activation", ACTIVATIONS), ("output_activation", ACTIVATIONS), ("loss", LOSSES)):
            if getattr(self, field) not in registry:
                raise ConfigError(field, f"{getattr(self, field)!r} is not one of: {', '.join(registry)}.")
        if LOSSES[self.loss].needs_sigmoid_output and self.output_activation != "sigmoid":
            raise ConfigError(
                "loss",
                f"{self.loss} needs output_activation sigmoid (outputs between 0 and 1), not {self.output_activation}.",
            )

    def check(self, weights: list[np.ndarray]) -> None:
        """Refuse weights whose shapes are not ``(1 + n_l, n_{l+1})`` for these layers."""
        if layer_sizes(weights) != self.layers or any(W.ndim != 2 for W in weights):
            shapes = ", ".join(str(W.shape) for W in weights)
            raise ConfigError("weights", f"shapes {shapes} do not fit layers {self.layers}.")


class Network:
    """Buffers and passes for one network on one data set.

    ``params`` is one flat vector; ``weights[l]`` is a ``(1 + n_l, n_{l+1})`` view into it and
    ``grads[l]`` the matching view into the flat ``flat_grads``. After :meth:`forward`,
    ``inputs[l]`` holds ``[1 | a^l]``, ``n[l]`` holds ``n^{l+1}`` and ``a[l]`` holds ``a^{l+1}``
    (``output`` is ``a^L``). After :meth:`backward`, ``dC_da[l]``, ``slopes[l]`` and
    ``deltas[l]`` hold ``dC/da^{l+1}``, ``f'(n^{l+1})`` and ``delta^{l+1}``.
    """

    def __init__(self, architecture: Architecture, X: np.ndarray, Y: np.ndarray):
        layers = architecture.layers
        L = len(layers) - 1
        n_obs = X.shape[0]
        self.layers = layers
        hidden, output = ACTIVATIONS[architecture.activation], ACTIVATIONS[architecture.output_activation]
        self.activations: list[Activation] = [hidden] * (L - 1) + [output]
        self.loss: Loss = LOSSES[architecture.loss]
        self.Y = np.array(Y, dtype=float)

        shapes = [(1 + n_in, n_out) for n_in, n_out in zip(layers[:-1], layers[1:])]
        sizes = [r * c for r, c in shapes]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.params = np.zeros(offsets[-1])
        self.flat_grads = np.zeros(offsets[-1])
        self.weights = [self.params[i:j].reshape(s) for i, j, s in zip(offsets, offsets[1:], shapes)]
        self.grads = [self.flat_grads[i:j].reshape(s) for i, j, s in zip(offsets, offsets[1:], shapes)]

        self.inputs = [np.ones((n_obs, 1 + n)) for n in layers[:-1]]
        self.inputs[0][:, 1:] = X
        self.n = [np.empty((n_obs, n)) for n in layers[1:]]
        # a^{l+1} in its own contiguous buffer, copied into [1 | a^{l+1}]: numpy's element-wise
        # calls on a strided view of a small matrix cost several times more than the copy.
        self.a = [np.empty((n_obs, n)) for n in layers[1:]]
        self.dC_da = [np.empty((n_obs, n)) for n in layers[1:]]
        self.slopes = [np.empty((n_obs, n)) for n in layers[1:]]
        self.deltas = [np.empty((n_obs, n)) for n in layers[1:]]
        # Each layer's buffers and views, gathered once (the buffers are updated in place) so the
        # passes below are plain loops in the order of the equations.
        a_in_next = [buf[:, 1:] for buf in self.inputs[1:]] + [None]  # a^{l+1} inside [1 | a^{l+1}]
        self._forward_steps = [
            (self.inputs[l], self.weights[l], self.n[l], self.a[l], f.value, a_in_next[l])
            for l, f in enumerate(self.activations)
        ]
        self._backward_steps = [
            (
                f.slope,
                self.n[l],
                self.a[l],
                self.slopes[l],
                self.dC_da[l],
                self.deltas[l],
                self.inputs[l].T,
                self.grads[l],
                self.weights[l][1:].T,
                self.dC_da[l - 1] if l else None,
            )
            for l, f in reversed(list(enumerate(self.activations)))
        ]

    @property
    def output(self) -> np.ndarray:
        """``a^L``, shape ``(observations, n_L)``."""
        return self.a[-1]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``W^0 .. W^{L-1}`` into the flat parameter vector."""
        for dst, src in zip(self.weights, weights):
            dst[...] = src

    def forward(self) -> float:
        """Run the forward pass on the current weights; return the cost ``C`` (and fill ``dC/da^L``)."""
        for x, W, n, a, f, a_in_next in self._forward_steps:
            x.dot(W, n)  # n^{l+1} = [1 | a^l] W^l
            f(n, a)  # a^{l+1} = f(n^{l+1})
            if a_in_next is not None:
                np.copyto(a_in_next, a)  # into [1 | a^{l+1}]
        return self.loss.evaluate(self.n[-1], self.a[-1], self.Y, self.dC_da[-1])

    def backward(self) -> None:
        """Fill ``grads`` with ``dC/dW^l`` for the weights of the last :meth:`forward`."""
        output_delta = self.loss.output_delta
        for slope, n, a, da_dn, dC_da, delta, x_T, dC_dW, W_out_T, dC_da_prev in self._backward_steps:
            slope(n, a, da_dn)  # da^{l+1}/dn^{l+1}
            if output_delta is not None and a is self.a[-1]:
                output_delta(a, self.Y, delta)
            else:
                np.multiply(dC_da, da_dn, delta)  # delta^{l+1} = dC/da^{l+1} * f'(n^{l+1})
            x_T.dot(delta, dC_dW)  # dC/dW^l = [1 | a^l]^T delta^{l+1}
            if dC_da_prev is not None:
                delta.dot(W_out_T, dC_da_prev)  # dC/da^l = delta^{l+1} W^l[1:]^T


def _network(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray | None) -> Network:
    """A one-off network holding ``weights`` (checked against ``architecture``)."""
    architecture.check(weights)
    if Y is None:  # no targets: any cost that accepts zeros
        Y = np.zeros((len(X), architecture.layers[-1]))
        architecture = Architecture(architecture.layers, architecture.activation, architecture.output_activation)
    net = Network(architecture, X, Y)
    net.set_weights(weights)
    return net


def activations(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray) -> list[np.ndarray]:
    """``a^0 .. a^L`` for inputs ``X``; ``a^l`` has shape ``(observations, n_l)``."""
    net = _network(architecture, weights, X, None)
    with np.errstate(all="ignore"):  # blown-up weights give inf/NaN, silently
        net.forward()
    return [np.array(X, dtype=float)] + [a.copy() for a in net.a]


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
    net = _network(architecture, weights, X, Y)
    with np.errstate(all="ignore"):  # blown-up weights give inf/NaN, silently (as in `activations`)
        cost = net.forward()
        net.backward()
    return Gradients(cost, [G.copy() for G in net.grads])
