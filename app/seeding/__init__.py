"""The seed loader: seed files in, checked rows out, written in one transaction.

One module per step, in the order a load (`load.load_seeds`) runs them:

- `records`, `files`: each seed file read (YAML, or JSON Lines for a big corpus), every record
  validated
- `problems`: each mistake located by file, record and field, and all of them raised together
  as one `SeedError`
- `rows`, `quote_rows`: the records turned into table rows, every cross-reference checked
  (`tables`: the tables in order and the shape of a row)
- `writes`: the rows written, upserted by id or bulk-loaded into empty tables; the search rows
- `counts`: the quote counts per dimension value that unfiltered facets read
- `version`: the content hash of what was loaded, recorded with the load time

`synthetic` writes a generated corpus in the seed format, for scale measurements.
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
