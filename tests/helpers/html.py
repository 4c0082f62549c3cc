"""Reading the HTML the API serves: the JSON-LD block of a page or an embed."""

import json
import re

from tests.helpers.api import Json

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def jsonld(text: str) -> Json:
    """The one JSON-LD block of a page, parsed."""
    blocks = JSONLD.findall(text)
    assert len(blocks) == 1
    data: Json = json.loads(blocks[0])
    return data
