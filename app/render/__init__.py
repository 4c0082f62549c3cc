"""Bytes made from public models: HTML pages and embed cards, feeds, CSV and NDJSON, QDPX.

Nothing here runs SQL: the routes read through `app.queries` and hand the results over.
"""
