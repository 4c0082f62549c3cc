"""Reading the HTML the API serves: a page parsed, the JSON-LD block of a page or an embed."""

import json
import re
from typing import Any

import lxml.html
from fastapi.testclient import TestClient

from tests.helpers.api import Json

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def jsonld(text: str) -> Json:
    """The one JSON-LD block of a page, parsed."""
    blocks = JSONLD.findall(text)
    assert len(blocks) == 1
    data: Json = json.loads(blocks[0])
    return data


def page(client: TestClient, url: str, **headers: str) -> Any:
    """The parsed document of an HTML page that answered 200."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return lxml.html.document_fromstring(response.text)
