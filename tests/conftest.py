"""Make the repository's packages (``mlp``, ``lab``) importable when pytest runs from a checkout."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
