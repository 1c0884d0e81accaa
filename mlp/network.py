"""Forward and backward passes in the learner's notation.

Data is ``(observations, features)``. ``W^l`` maps layer ``l`` to layer ``l + 1`` and has shape
``(1 + n_l, n_{l+1})``, bias in row 0. With ``L`` weight matrices:

    forward   n^{l+1} = [1 | a^l] @ W^l,          a^{l+1} = f(n^{l+1})
    backward  delta^{l+1} = dC/da^{l+1} * f'(n^{l+1})
              dC/dW^l     = [1 | a^l]^T @ delta^{l+1}
              dC/da^l     = delta^{l+1} @ W^l[1:]^T

:class:`Network` owns every buffer of these equations for one architecture and one data set, so
a training step allocates nothing; :func:`forward` and :func:`gradients` are the pure wrappers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation
from .losses import LOSSES, Loss


def layer_sizes(weights: list[np.ndarray]) -> tuple[int, ...]:
    """``(n_0, n_1, ..., n_L)`` read off the shapes of ``W^0 .. W^{L-1}``."""
    return (weights[0].shape[0] - 1,) + tuple(W.shape[1] for W in weights)


class Network:
    """Buffers and passes for one network on one data set.

    ``params`` is one flat vector; ``weights[l]`` is a ``(1 + n_l, n_{l+1})`` view into it and
    ``grads[l]`` the matching view into the flat ``flat_grads``. After :meth:`forward`,
    ``inputs[l]`` holds ``[1 | a^l]`` (``a^l`` is the view ``inputs[l][:, 1:]``), ``n[l]`` holds
    ``n^{l+1}`` and ``output`` holds ``a^L``. After :meth:`backward`, ``dC_da[l]``, ``slopes[l]``
    and ``deltas[l]`` hold ``dC/da^{l+1}``, ``f'(n^{l+1})`` and ``delta^{l+1}``.
    """

    def __init__(
        self,
        layers: tuple[int, ...],
        X: np.ndarray,
        Y: np.ndarray,
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        loss: str = "sse",
    ):
        L = len(layers) - 1
        n_obs = X.shape[0]
        self.layers = tuple(layers)
        self.activations: list[Activation] = [ACTIVATIONS[activation]] * (L - 1) + [
            ACTIVATIONS[output_activation]
        ]
        self.loss: Loss = LOSSES[loss]
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
        self.output = np.empty((n_obs, layers[-1]))
        self.dC_da = [np.empty((n_obs, n)) for n in layers[1:]]
        self.slopes = [np.empty((n_obs, n)) for n in layers[1:]]
        self.deltas = [np.empty((n_obs, n)) for n in layers[1:]]
        # a^{l+1} lives inside the next layer's [1 | a] buffer; the last one in `output`.
        self._a = [buf[:, 1:] for buf in self.inputs[1:]] + [self.output]
        # Transposed views, made once: the buffers they look at are updated in place.
        self._inputs_T = [buf.T for buf in self.inputs]
        self._W_out_T = [W[1:].T for W in self.weights]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy ``W^0 .. W^{L-1}`` into the flat parameter vector."""
        for dst, src in zip(self.weights, weights):
            dst[...] = src

    def forward(self) -> float:
        """Run the forward pass on the current weights and return the cost ``C``."""
        for l, f in enumerate(self.activations):
            np.matmul(self.inputs[l], self.weights[l], out=self.n[l])  # n^{l+1} = [1|a^l] W^l
            f.value(self.n[l], self._a[l])  # a^{l+1} = f(n^{l+1})
        return self.loss.value(self.n[-1], self.output, self.Y)

    def backward(self) -> None:
        """Fill ``grads`` with ``dC/dW^l`` for the weights of the last :meth:`forward`."""
        last = len(self.activations) - 1
        a, f = self.output, self.activations[last]
        self.loss.gradient(a, self.Y, self.dC_da[last])  # dC/da^L
        f.slope(self.n[last], a, self.slopes[last])  # da^L/dn^L
        if self.loss.output_delta is not None:
            self.loss.output_delta(a, self.Y, self.deltas[last])
        else:
            np.multiply(self.dC_da[last], self.slopes[last], out=self.deltas[last])
        for l in range(last, -1, -1):
            delta = self.deltas[l]
            np.matmul(self._inputs_T[l], delta, out=self.grads[l])  # dC/dW^l = [1|a^l]^T delta
            if l == 0:
                break
            np.matmul(delta, self._W_out_T[l], out=self.dC_da[l - 1])  # dC/da^l = delta W^l[1:]^T
            self.activations[l - 1].slope(self.n[l - 1], self._a[l - 1], self.slopes[l - 1])
            np.multiply(self.dC_da[l - 1], self.slopes[l - 1], out=self.deltas[l - 1])


def forward(
    weights: list[np.ndarray],
    X: np.ndarray,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> np.ndarray:
    """The network's output ``a^L``, shape ``(observations, n_L)``, for inputs ``X``."""
    net = Network(layer_sizes(weights), X, np.zeros((len(X), weights[-1].shape[1])), activation, output_activation)
    net.set_weights(weights)
    net.forward()
    return net.output.copy()


@dataclass(frozen=True)
class Gradients:
    """The cost and ``dC/dW^l`` for every weight matrix, at one set of weights."""

    loss: float
    grads: list[np.ndarray]


def gradients(
    weights: list[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
    loss: str = "sse",
) -> Gradients:
    """Cost and analytic gradients ``dC/dW^l`` (same shapes as ``weights``)."""
    net = Network(layer_sizes(weights), X, Y, activation, output_activation, loss)
    net.set_weights(weights)
    cost = net.forward()
    net.backward()
    return Gradients(cost, [G.copy() for G in net.grads])
