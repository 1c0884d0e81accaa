"""Weight initializations, as a registry of name -> function.

Every initializer has one signature, ``init(rng, fan_in, fan_out, scale) -> W`` with ``W`` of
shape ``(1 + fan_in, fan_out)``: the bias row 0 is drawn like the rest of the matrix, as in the
question. ``scale`` is the constant value, the half-width, the standard deviation or the gain.

A negative scale means its absolute value for the random starts: ``N(0, s^2)`` is ``N(0, (-s)^2)``
and ``U(-s, s)`` is ``U(s, -s)``; only ``constant`` keeps the sign (every weight ``-1`` is a start
of its own). Each registry entry says what its scale is (``Initializer.scale``), for help and labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Draw = Callable[[np.random.Generator, int, int, float], np.ndarray]


@dataclass(frozen=True)
class Initializer:
    """An entry of the registry: how to draw ``W`` and what its ``scale`` is (a widget's label)."""

    draw: Draw
    scale: str

    def __call__(self, rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
        return self.draw(rng, fan_in, fan_out, scale)


def constant(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """Every weight and bias equal to ``scale`` (the question's start is ``scale = 1``)."""
    return np.full((1 + fan_in, fan_out), float(scale))


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """``U(-|scale|, |scale|)``."""
    return rng.uniform(-abs(scale), abs(scale), size=(1 + fan_in, fan_out))


def normal(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """``N(0, scale^2)``, standard deviation ``|scale|``."""
    return rng.normal(0.0, abs(scale), size=(1 + fan_in, fan_out))


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """Glorot uniform: ``U(-g r, g r)`` with ``r = sqrt(6 / (fan_in + fan_out))`` and gain ``g``."""
    return uniform(rng, fan_in, fan_out, scale * np.sqrt(6.0 / (fan_in + fan_out)))


def he(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """He normal: ``N(0, (g sqrt(2 / fan_in))^2)`` with gain ``g``."""
    return normal(rng, fan_in, fan_out, scale * np.sqrt(2.0 / fan_in))


INITIALIZERS: dict[str, Initializer] = {
    "constant": Initializer(constant, "Value of every weight"),
    "uniform": Initializer(uniform, "Half-width a of U(-a, a)"),
    "normal": Initializer(normal, "Standard deviation"),
    "xavier": Initializer(xavier, "Gain"),
    "he": Initializer(he, "Gain"),
}


def initial_weights(layers: tuple[int, ...], method: str, scale: float, noise: float, seed: int) -> list[np.ndarray]:
    """The initial ``W^0 .. W^{L-1}``, ``W^l`` of shape ``(1 + n_l, n_{l+1})``.

    ``noise`` is the std of Gaussian noise added to every weight after the initializer: the
    symmetry-breaking experiment. All draws come from one generator seeded by ``seed``.
    """
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(layers[:-1], layers[1:]):
        W = INITIALIZERS[method](rng, fan_in, fan_out, scale)
        if noise > 0:
            W = W + rng.normal(0.0, noise, size=W.shape)
        weights.append(W)
    return weights
