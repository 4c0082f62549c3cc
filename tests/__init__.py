"""The test suite. Its shared helpers get pytest's assertion rewriting, as test modules do."""

import pytest

pytest.register_assert_rewrite("tests.helpers")
