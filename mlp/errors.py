"""The engine's one error for a setting that cannot be used."""

from __future__ import annotations


class ConfigError(ValueError):
    """A setting that cannot be used. ``str(error)`` is one sentence naming field, value and rule."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
