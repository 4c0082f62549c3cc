"""The seed loader: seed files in, checked rows out, written in one transaction.

`load_seeds` runs a load (`load`); `data_version` is the content hash it records (`version`).
"""

from app.seed_files import read_all
from app.seeding.load import LoadResult, load_seeds
from app.seeding.rows import build_rows
from app.seeding.tables import TABLE_ORDER
from app.seeding.version import data_version

__all__ = ["TABLE_ORDER", "LoadResult", "build_rows", "data_version", "load_seeds", "read_all"]
