"""One iteration written out matrix by matrix, in the order the question writes it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Architecture, _one_run


@dataclass(frozen=True)
class Step:
    """One matrix of the trace.

    ``symbol`` is plain text (``dC/dW^2``), ``latex`` the same in the question's notation,
    ``phase`` is ``forward`` or ``backward`` and ``layer`` the layer index ``l`` it belongs to.
    ``rows`` and ``columns`` name the matrix's rows (``obs 0``, or ``1 (bias)`` and ``a^l_i`` for
    ``dC/dW^l``) and columns (``1`` for the ones of ``[1 | a^l]``, then the neurons). ``matrix`` is the
    ``l`` of the ``W^l`` whose step of the pass it is: the forward product through ``W^l``, or the
    backward step that ends in ``dC/dW^l``.
    """

    phase: str
    layer: int
    symbol: str
    latex: str
    value: np.ndarray
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    matrix: int


def _neurons(letter: str, layer: int, count: int) -> tuple[str, ...]:
    return tuple(f"{letter}^{layer}_{j}" for j in range(count))


def trace(architecture: Architecture, weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> list[Step]:
    """Every matrix of one forward and backward pass at ``weights``.

    Forward, for each ``l``: ``[1 | a^l]``, ``n^{l+1}``, ``a^{l+1}``. Backward, from the output:
    ``dC/da^L``, then for each ``l`` going back ``da^{l+1}/dn^{l+1}``, ``delta^{l+1}``,
    ``dC/dW^l`` and (for ``l >= 1``) ``dC/da^l``. Blown-up weights give inf/NaN entries, silently.
    """
    sizes = architecture.layers
    net = _one_run(architecture, weights, X, Y)
    with np.errstate(all="ignore"):
        net.forward()
        net.backward()
    L = len(weights)
    obs = tuple(f"obs {i}" for i in range(len(X)))

    def step(phase, layer, symbol, latex, value, columns, rows=obs, *, of):
        return Step(phase, layer, symbol, latex, np.array(value[0], copy=True), rows, columns, of)  # the only run

    steps = []
    for l in range(L):
        k = l + 1
        steps += [
            step(
                "forward",
                l,
                f"[1 | a^{l}]",
                rf"[\,1 \mid a^{{{l}}}\,]",
                net.inputs[l],
                ("1", *_neurons("a", l, sizes[l])),
                of=l,
            ),
            step(
                "forward",
                k,
                f"n^{k}",
                rf"n^{{{k}}} = [\,1 \mid a^{{{l}}}\,]\, W^{{{l}}}",
                net.n[l],
                _neurons("n", k, sizes[k]),
                of=l,
            ),
            step("forward", k, f"a^{k}", rf"a^{{{k}}} = f(n^{{{k}}})", net.a[l], _neurons("a", k, sizes[k]), of=l),
        ]
    dC_da = rf"\frac{{\partial C}}{{\partial a^{{{L}}}}}"
    steps.append(step("backward", L, f"dC/da^{L}", dC_da, net.dC_da[L - 1], _neurons("a", L, sizes[L]), of=L - 1))
    for l in range(L - 1, -1, -1):
        k = l + 1
        to = _neurons("a", k, sizes[k])
        da_dn = rf"\frac{{\partial a^{{{k}}}}}{{\partial n^{{{k}}}}}"
        steps += [
            step("backward", k, f"da^{k}/dn^{k}", da_dn, net.slopes[l], to, of=l),
            step(
                "backward",
                k,
                f"delta^{k}",
                rf"\delta^{{{k}}} = \frac{{\partial C}}{{\partial a^{{{k}}}}} \odot {da_dn}",
                net.deltas[l],
                to,
                of=l,
            ),
            step(
                "backward",
                l,
                f"dC/dW^{l}",
                rf"\frac{{\partial C}}{{\partial W^{{{l}}}}} = [\,1 \mid a^{{{l}}}\,]^\top \delta^{{{k}}}",
                net.grads[l],
                to,
                ("1 (bias)", *_neurons("a", l, sizes[l])),
                of=l,
            ),
        ]
        if l >= 1:
            steps.append(
                step(
                    "backward",
                    l,
                    f"dC/da^{l}",
                    rf"\frac{{\partial C}}{{\partial a^{{{l}}}}} = \delta^{{{k}}}\, (W^{{{l}}}_{{1:}})^\top",
                    net.dC_da[l - 1],
                    _neurons("a", l, sizes[l]),
                    of=l,
                )
            )
    return steps
