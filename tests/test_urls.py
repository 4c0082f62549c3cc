"""Every URL the service emits comes from one builder, and without BASE_URL it names the address
the server listens on: `PORT=9000 make serve` links to port 9000, and its links lead back to it."""

import re
from collections.abc import Callable, Iterator

import httpx
import lxml.html
import pytest

from app import urls
from app.config import get_settings
from tests.helpers.servers import make_serve


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
        ("::", 9000, "http://[::1]:9000"),
        ("::1", 8080, "http://[::1]:8080"),
        ("2001:db8::7", 80, "http://[2001:db8::7]:80"),
        ("api.internal", 8000, "http://api.internal:8000"),
    ],
)
def test_server_base_url(host: str, port: int, expected: str) -> None:
    assert urls.server_base_url(host, port) == expected


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"PORT": "9000"}, "http://127.0.0.1:9000"),
        ({"HOST": "::", "PORT": "9001"}, "http://[::1]:9001"),
        (
            {"BASE_URL": "https://insights.example.org/", "PORT": "9000"},
            "https://insights.example.org",
        ),
    ],
)
def test_base_url_follows_the_settings(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    monkeypatch.delenv("BASE_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert urls.base_url() == expected
        assert urls.quote("cgt-2026-q07") == f"{expected}/quotes/cgt-2026-q07"
        assert urls.quote_id_of_permalink(f"{expected}/quotes/cgt-2026-q07") == "cgt-2026-q07"
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "quote_id", ["a/b", "a?b", "a#b", "a b", "é"], ids=["slash", "query", "fragment", "space", "é"]
)
def test_path_segments_are_encoded(quote_id: str) -> None:
    url = urls.quote(quote_id)
    assert url.startswith(f"{urls.base_url()}/quotes/")
    assert not set(url.removeprefix(f"{urls.base_url()}/quotes/")) & set("/?# é")


@pytest.mark.parametrize(("build", "path"), [(urls.layer, "/layers/"), (urls.theme, "/themes/")])
def test_a_later_page_is_the_permalink_with_its_cursor(
    build: Callable[[str, str | None], str], path: str
) -> None:
    permalink = f"{urls.base_url()}{path}a-bit-deeper"
    assert build("a-bit-deeper", None) == permalink
    assert build("a-bit-deeper", "35.cgt-2026-q35") == f"{permalink}?cursor=35.cgt-2026-q35"
    assert build("a-bit-deeper", "1.a&b=c#d") == f"{permalink}?cursor=1.a%26b%3Dc%23d"


@pytest.fixture(scope="module")
def served_on_another_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`make serve`'s commands (migrate, seed, serve) with PORT set and BASE_URL unset."""
    with make_serve(tmp_path_factory.mktemp("port")) as (port, _):
        yield f"http://127.0.0.1:{port}"


def test_links_of_a_server_on_another_port_lead_back_to_it(served_on_another_port: str) -> None:
    base = served_on_another_port
    with httpx.Client(timeout=30) as client:
        page = client.get(f"{base}/v1/quotes", params={"limit": 2})
        assert page.status_code == 200
        next_page = re.fullmatch(r'<([^>]+)>; rel="next"', page.headers["link"])
        assert next_page is not None
        assert next_page.group(1).startswith(f"{base}/v1/quotes?")
        assert client.get(next_page.group(1)).status_code == 200

        feed = client.get(f"{base}/feeds/quotes.json", params={"tag": "medicaid"}).json()
        assert feed["feed_url"] == f"{base}/feeds/quotes.json?tag=medicaid"
        item_url = feed["items"][0]["url"]
        assert item_url.startswith(f"{base}/quotes/")
        permalink = client.get(item_url)
        assert permalink.status_code == 200

        document = lxml.html.fromstring(permalink.text)
        (oembed_link,) = document.xpath('//link[@type="application/json+oembed"]/@href')
        assert oembed_link.startswith(f"{base}/oembed?")
        oembed = client.get(oembed_link)
        assert oembed.status_code == 200, oembed.text
        (canonical,) = document.xpath('//link[@rel="canonical"]/@href')
        assert canonical == item_url
        assert f'src="{base}/embed/quotes/' in oembed.json()["html"]
