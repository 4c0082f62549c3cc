"""The seed loader: seed files in, checked rows out, written in one transaction.

`load_seeds` runs a load (`load`) and raises `SeedError` (`problems`) when the seeds have
mistakes; `data_version` is the content hash it records (`version`).
"""

from app.seeding.files import read_all
from app.seeding.load import LoadResult, load_seeds
from app.seeding.problems import SeedError
from app.seeding.rows import build_rows
from app.seeding.tables import TABLE_ORDER
from app.seeding.version import data_version

__all__ = [
    "TABLE_ORDER",
    "LoadResult",
    "SeedError",
    "build_rows",
    "data_version",
    "load_seeds",
    "read_all",
]
