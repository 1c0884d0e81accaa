"""Backprop Lab's UI-data layer: Runs -> pandas frames (`frames`) -> altair charts (`charts`), plus sentences.

Pure functions only, no streamlit: ``dashboard.py`` draws what these return. Notation is the learner's:
``W^l`` goes from layer ``l`` to ``l+1``, row 0 is the bias ``b^l``, activations are ``a^l``, indexes from 0.
"""

from . import charts, diagnosis, frames

__all__ = ["charts", "diagnosis", "frames"]
