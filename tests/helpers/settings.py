"""Settings of the apps a test builds (get_settings is cached: they change through `configure`)."""

import time
from typing import Protocol

# Seconds before a minute turns in which no test starts counting a per-minute budget.
CLEAR_OF_THE_TURN_S = 5


class Configure(Protocol):
    """The `configure` fixture: `configure(rate_limit_enabled="true")` sets RATE_LIMIT_ENABLED
    for every app built after the call."""

    def __call__(self, **settings: str) -> None: ...


def clear_of_a_minute_turn() -> None:
    """Wait, if need be, until well inside a minute. The sliding window weighs the previous
    minute's count by its overlap and rounds down (limits' counter), so a budget spent across a
    turn lets one more request through: right for the limiter, a flake for an exact count."""
    left = 60 - time.time() % 60
    if left < CLEAR_OF_THE_TURN_S:
        time.sleep(left + 0.05)
