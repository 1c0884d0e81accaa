"""What the page says about a run, all of it from the run's findings (:func:`mlp.findings`).

The CLI prints the findings' sentences; the page shows the same sentences on the Symmetry tab and
sums them up in a headline that keeps the two causes apart: clones take away capacity for ever,
a saturated start costs time.
"""

from __future__ import annotations

from collections.abc import Sequence

from lab.frames import unicode
from lab.text import plain
from mlp import Finding, Run
from mlp.findings import layer_list

CAPACITY = ("clones", "near_clones")
STOPPED = ("step_too_large", "blew_up")  # findings that say why the settings cannot learn at all


def status_sentence(run: Run) -> str:
    """One sentence: iterations done and final cost, or where training diverged."""
    if run.status == "diverged":
        return (
            f"Training diverged at iteration {run.diverged_at:,} (the cost became infinite or NaN); "
            "the figures stop there."
        )
    return f"Finished {run.iterations_run:,} iterations; final cost {run.final_loss:.4g} ({run.config.loss})."


ROUNDING = 1e-9  # two costs closer than this, relative, differ by rounding alone


def products_sentence(run: Run) -> str | None:
    """Why a run summed in order (as a sweep sums it) may end elsewhere than the same run summed by BLAS."""
    if run.config.products != "in_order":
        return None
    return (
        "Products summed term by term, in order, as a sweep sums them: a run opened from a sweep is the sweep's "
        "run to the last bit. numpy's @ (BLAS), the default, fuses each multiply with its add, so the same run "
        "summed by BLAS may differ in its last digits, a difference the size of rounding that chaotic training "
        "grows to the first digit."
    )


def rerun_sentence(run: Run, blas: Run) -> str:
    """How far ``run`` (summed in order) and ``blas`` (the same run summed by BLAS) end apart."""
    if blas.final_loss == run.final_loss:
        return f"Summed by BLAS it ends at the same cost, {blas.final_loss:.6g}, to the last bit."
    apart = abs(blas.final_loss - run.final_loss) / max(abs(run.final_loss), abs(blas.final_loss))
    said = f"Summed by BLAS it ends at cost {blas.final_loss:.17g} against {run.final_loss:.17g} here"  # every digit
    if apart <= ROUNDING:
        return f"{said}: {apart:.1e} apart, the size of rounding."
    grew = "the last digits' difference grew over the iterations, as it does in chaotic training"
    return f"{said}: {apart:.2g} apart; {grew}."


def diagnose(found: Sequence[Finding]) -> list[str]:
    """The findings' sentences, in the findings' order: what the Symmetry tab lists and the CLI prints."""
    return [f.sentence for f in found]


def acts_as(run: Run, found: Sequence[Finding]) -> tuple[int, ...]:
    """The layer sizes the network acts as: each hidden layer's groups of clones (or near clones) as one neuron."""
    groups = {f.layer: f.evidence["groups"] for f in found if f.code in CAPACITY}
    sizes = run.config.layers
    return (sizes[0], *(groups.get(l, n) for l, n in enumerate(sizes[1:-1], start=1)), sizes[-1])


def _layers(found: Sequence[Finding]) -> str:
    """``a²`` or ``a² and a³``: the layers of ``found``."""
    return unicode(layer_list(found))


def headline(run: Run, found: Sequence[Finding]) -> str | None:
    """The lesson in a few sentences when the run shows it; None when no finding is about it.

    Capacity (clones, near clones) and speed (a plateau, saturated sigmoids) are named apart, each
    with its figures, then whether the run fits: the same facts as the findings, summed up. Settings
    that cannot learn at all (a step too large, a blow-up) come first, in their findings' words. The
    notation is written in Unicode (a², n¹), as on the rest of the first screen (see ui/header.py).
    """
    codes = {f.code for f in found}
    parts = [f"**Why it does not learn.** {plain(unicode(f.sentence))}" for f in found if f.code in STOPPED]
    if codes & set(CAPACITY):
        size, acts = "-".join(map(str, run.config.layers)), "-".join(map(str, acts_as(run, found)))
        if "clones" in codes:
            parts.append(
                f"**Capacity.** Hidden neurons are clones: this {size} network computes only what a {acts} network "
                "can. Neurons that start equal get equal gradients, so they stay equal for ever: more iterations do "
                "not lift this limit."
            )
        else:
            parts.append(
                f"**Capacity.** Hidden neurons are nearly clones: they differ so little that this {size} network "
                f"computes what a {acts} network computes."
            )
    plateau = next((f for f in found if f.code == "plateau"), None)
    # Saturated from the start and still saturated when the plateau begins: the plateau's cause.
    start = 0 if plateau is None else plateau.since
    saturated = [f for f in found if f.code == "saturated" and f.since == 0 and f.until >= start]
    if plateau is not None:
        level = (
            "the targets' column means (the best constant answer)"
            if plateau.evidence["at_best_constant"]
            else f"{plateau.evidence['cost_low']:.4g}"
        )
        stretch = f"from iteration {plateau.since:,} to {plateau.until:,}"
        if saturated:
            parts.append(
                f"**Speed.** The outputs sit on a plateau at {level} {stretch}, because the start saturates "
                f"{_layers(saturated)}: slow, which is not the same as unable."
            )
        else:
            parts.append(f"The cost stalls at {level} {stretch}.")
    elif saturated:
        parts.append(f"**Speed.** The start saturates {_layers(saturated)}: gradients are small, so learning is slow.")
    if not parts:
        return None
    fitted = next((f for f in found if f.code == "fitted"), None)
    if fitted is not None:
        parts.append(f"It fits its targets by iteration {fitted.since:,}.")
    elif run.status == "finished":
        parts.append(f"It has not fitted its targets after {run.iterations_run:,} iterations.")
    return " ".join(parts)
