"""Weight initializations, as a registry of name -> function.

Every initializer has one signature, ``init(rng, fan_in, fan_out, scale) -> W`` with ``W`` of
shape ``(1 + fan_in, fan_out)``: the bias row 0 is drawn like the rest of the matrix, as in the
question. ``scale`` is the constant value, the half-width, the standard deviation or the gain.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Initializer = Callable[[np.random.Generator, int, int, float], np.ndarray]


def constant(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """Every weight and bias equal to ``scale`` (the question's start is ``scale = 1``)."""
    return np.full((1 + fan_in, fan_out), float(scale))


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """``U(-scale, scale)``."""
    return rng.uniform(-scale, scale, size=(1 + fan_in, fan_out))


def normal(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """``N(0, scale^2)``."""
    return rng.normal(0.0, scale, size=(1 + fan_in, fan_out))


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """Glorot uniform: ``U(-g r, g r)`` with ``r = sqrt(6 / (fan_in + fan_out))`` and gain ``g``."""
    return uniform(rng, fan_in, fan_out, scale * np.sqrt(6.0 / (fan_in + fan_out)))


def he(rng: np.random.Generator, fan_in: int, fan_out: int, scale: float) -> np.ndarray:
    """He normal: ``N(0, (g sqrt(2 / fan_in))^2)`` with gain ``g``."""
    return normal(rng, fan_in, fan_out, scale * np.sqrt(2.0 / fan_in))


INITIALIZERS: dict[str, Initializer] = {f.__name__: f for f in (constant, uniform, normal, xavier, he)}


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
