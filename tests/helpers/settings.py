"""Settings of the apps a test builds (get_settings is cached: they change through `configure`)."""

from typing import Protocol


class Configure(Protocol):
    """The `configure` fixture: `configure(rate_limit_enabled="true")` sets RATE_LIMIT_ENABLED
    for every app built after the call."""

    def __call__(self, **settings: str) -> None: ...
