"""Load and speed measurements of the API (not part of the test suite)."""
