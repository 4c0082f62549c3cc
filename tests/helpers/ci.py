"""What the suite may skip: a missing service or tool is a skip locally, a failure under CI=true."""

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(message: str, *, allow_module_level: bool = False) -> NoReturn:
    """Skip the test (or module) for want of `message`'s service; under CI, fail instead."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=allow_module_level)
