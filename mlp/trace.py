"""One iteration written out matrix by matrix, in the order the question writes it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network, layer_sizes


@dataclass(frozen=True)
class Step:
    """One matrix of the trace.

    ``symbol`` is plain text (``dC/dW^2``), ``latex`` the same in the question's notation,
    ``phase`` is ``forward`` or ``backward`` and ``layer`` the layer index ``l`` it belongs to.
    """

    phase: str
    layer: int
    symbol: str
    latex: str
    value: np.ndarray


def trace(
    weights: list[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
    loss: str = "sse",
) -> list[Step]:
    """Every matrix of one forward and backward pass at ``weights``.

    Forward, for each ``l``: ``[1 | a^l]``, ``n^{l+1}``, ``a^{l+1}``. Backward, from the output:
    ``dC/da^L``, then for each ``l`` going back ``da^{l+1}/dn^{l+1}``, ``delta^{l+1}``,
    ``dC/dW^l`` and (for ``l >= 1``) ``dC/da^l``.
    """
    net = Network(layer_sizes(weights), X, Y, activation, output_activation, loss)
    net.set_weights(weights)
    net.forward()
    net.backward()
    L = len(weights)
    steps = []
    for l in range(L):
        steps += [
            Step("forward", l, f"[1 | a^{l}]", rf"[\,1 \mid a^{{{l}}}\,]", net.inputs[l]),
            Step("forward", l + 1, f"n^{l + 1}", rf"n^{{{l + 1}}} = [\,1 \mid a^{{{l}}}\,]\, W^{{{l}}}", net.n[l]),
            Step("forward", l + 1, f"a^{l + 1}", rf"a^{{{l + 1}}} = f(n^{{{l + 1}}})", net.a[l]),
        ]
    steps.append(Step("backward", L, f"dC/da^{L}", rf"\frac{{\partial C}}{{\partial a^{{{L}}}}}", net.dC_da[L - 1]))
    for l in range(L - 1, -1, -1):
        k = l + 1
        steps += [
            Step("backward", k, f"da^{k}/dn^{k}", rf"\frac{{\partial a^{{{k}}}}}{{\partial n^{{{k}}}}}", net.slopes[l]),
            Step(
                "backward",
                k,
                f"delta^{k}",
                rf"\delta^{{{k}}} = \frac{{\partial C}}{{\partial a^{{{k}}}}} \odot "
                rf"\frac{{\partial a^{{{k}}}}}{{\partial n^{{{k}}}}}",
                net.deltas[l],
            ),
            Step(
                "backward",
                l,
                f"dC/dW^{l}",
                rf"\frac{{\partial C}}{{\partial W^{{{l}}}}} = [\,1 \mid a^{{{l}}}\,]^\top \delta^{{{k}}}",
                net.grads[l],
            ),
        ]
        if l >= 1:
            steps.append(
                Step(
                    "backward",
                    l,
                    f"dC/da^{l}",
                    rf"\frac{{\partial C}}{{\partial a^{{{l}}}}} = \delta^{{{k}}}\, (W^{{{l}}}_{{1:}})^\top",
                    net.dC_da[l - 1],
                )
            )
    return [Step(s.phase, s.layer, s.symbol, s.latex, np.array(s.value, copy=True)) for s in steps]
