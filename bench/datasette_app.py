"""Datasette's ASGI app over the peer database, served by bench/serve.py (granian, as ours)."""

import os

from datasette.app import Datasette

app = Datasette([os.environ["DATASETTE_DB"]], settings={"num_sql_threads": 3}).app()
