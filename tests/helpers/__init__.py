"""Helpers the test modules share: plain functions and constants, never fixtures.

Fixtures live in `tests/fixtures/` and reach the tests by injection; a test module imports what
it needs from here, and never from another test module or from conftest.
"""
