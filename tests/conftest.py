"""The suite's fixtures, one module per concern under tests/fixtures/:

- databases: `backend`; the seeded `engine` and `client` of each backend; the `series` (the
  seeds with a synthetic second report); the `crowded` synthetic report; a test's own
  `fresh_database_url` (empty) or `seeded` engine; an `unreachable_engine`;
- pg_cluster: `cluster`, a throwaway PostgreSQL server that tests may stop and restart;
- redis: `redis_url`, the test Redis;
- settings: `configure`, settings through the environment for the apps a test builds.

Helpers (plain functions, constants, types) are in tests/helpers/ and are imported; fixtures
are only ever injected.
"""

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.pg_cluster",
    "tests.fixtures.redis",
    "tests.fixtures.settings",
]
