"""The one settings object: every knob of the API, read from the environment (or `.env`)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of Insights API. Each field is an environment variable of the same name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'insights.db'}",
        description="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://user@host/db.",
    )
    seeds_dir: Path = Field(
        default=PROJECT_ROOT / "seeds", description="Folder holding the seed data files."
    )
    base_url: str | None = Field(
        default=None,
        description="Public base URL of every absolute link (permalinks, feeds, Link headers, "
        "oEmbed); unset: http://{HOST}:{PORT} of the running server. Never the Host header.",
    )
    host: str = Field(default="127.0.0.1", description="Address `insights serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `insights serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="Server (granian) worker processes.")
    http_max_header_bytes: int = Field(
        default=16384,
        ge=8192,
        le=1048576,
        description="Largest request line and headers a connection may send; more is a 431.",
    )
    http_max_headers: int = Field(
        default=64, ge=8, le=100, description="Most request headers a request may send; more: 431."
    )
    http_header_timeout_s: float = Field(
        default=10.0,
        ge=0.1,
        le=60.0,
        description="Seconds a connection has to send a request's headers, and to stay idle "
        "between requests, before the server closes it.",
    )
    http_max_connections: int = Field(
        default=256, ge=1, description="Connections each worker serves at once; more wait."
    )
    http_max_requests: int = Field(
        default=64, ge=1, description="Requests each worker handles at once; more get a 503."
    )
    statement_timeout_ms: int = Field(
        default=5000,
        ge=100,
        le=600_000,
        description="Time limit of every API query, on PostgreSQL (statement_timeout) and on "
        "SQLite (a progress handler); a query over it is a 503.",
    )
    pool_size: int = Field(
        default=10, ge=1, le=1000, description="Database connections per worker, on both backends."
    )
    pool_timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Seconds a request waits for a pooled connection before a 503 (both backends).",
    )
    max_filter_ids: int = Field(
        default=30,
        ge=1,
        le=350,
        description="Most ids one request may OR across all its filters; more is a 422.",
    )
    max_xlsx_quotes: int = Field(
        default=10_000,
        ge=1,
        le=1_048_575,
        description="Most quotes one /v1/quotes.xlsx holds (a workbook is built whole before it "
        "is sent); more is a 422 pointing to the streamed CSV and NDJSON.",
    )
    max_crosstab_cells: int = Field(
        default=50_000,
        ge=1,
        le=1_000_000,
        description="Most cells (rows x columns) a cross-tab or case-code matrix may have, and "
        "most pairs a co-occurrence may list; more is a 422.",
    )
    response_cache_max_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        le=4 * 1024**3,
        description="Bytes of whole responses each worker keeps in memory (least recently used "
        "dropped first); 0 turns the response cache off.",
    )
    quote_cache_quotes: int = Field(
        default=10_000,
        ge=0,
        le=1_000_000,
        description="Quotes each worker keeps built, for the data version it last read (least "
        "recently used dropped first); 0 reads every quote from the database each time.",
    )
    data_version_wait_ms: int = Field(
        default=250,
        ge=1,
        le=10_000,
        description="Milliseconds a request waits for the data-version read before the "
        "response cache goes on with the last version read.",
    )
    cors_allow_origins: list[str] = Field(
        default=["*"], description="Origins allowed by CORS (JSON list); `*` for any."
    )
    cache_max_age_s: int = Field(
        default=300, ge=0, description="max-age of Cache-Control on cacheable GET responses."
    )
    embed_frame_ancestors: list[str] = Field(
        default=["*"],
        description="Who may frame the embeddable pages: CSP frame-ancestors sources (JSON list).",
    )
    mcp_allowed_origins: list[str] = Field(
        default=[],
        description="Browser origins besides BASE_URL's own whose pages may call /mcp (JSON "
        "list; CORS and the MCP SDK's Origin check); clients that send no Origin, as desktop "
        "and server-side assistants, always may.",
    )
    trusted_hosts: list[str] = Field(
        default=["*"], description="Host header values the API answers (JSON list; `*`: any)."
    )
    trusted_proxies: list[str] = Field(
        default=[],
        description="Proxy addresses whose X-Forwarded-For is believed for the client address.",
    )
    rate_limit_enabled: bool = Field(
        default=False, description="Limit requests per client on the public endpoints."
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, description="Requests a client may make per minute when limited."
    )
    rate_limit_ipv6_site_per_minute: int = Field(
        default=6000,
        ge=1,
        description="Requests per minute all the /64s of one IPv6 /48 may make together.",
    )
    rate_limit_export_cost: int = Field(
        default=10,
        ge=1,
        description="Requests of the budget one export (CSV, NDJSON, XLSX, .qdpx) costs.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL for rate-limit counters shared by all API processes; "
        "unset: each process counts alone, in memory.",
    )
    gzip_min_bytes: int = Field(
        default=1024, ge=0, description="Smallest response body worth compressing with gzip."
    )
    html_page_quotes: int = Field(
        default=50,
        ge=1,
        le=500,
        description="Most quotes one HTML page of a layer or theme shows; the rest follow on "
        "its next pages (`cursor`).",
    )

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
