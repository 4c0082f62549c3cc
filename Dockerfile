# Insights API image: the locked runtime dependencies (no dev group) and the app, run as non-root.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PYTHON=python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

RUN pip install uv==0.13.8

WORKDIR /app

# Dependencies first, from the lock alone, so this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself, installed editable: the app finds migrations/ and seeds/ next to app/
# (PROJECT_ROOT), and pyproject.toml holds the Alembic configuration. README.md is the package
# readme the build backend needs.
COPY README.md ./
COPY app/ app/
COPY migrations/ migrations/
COPY seeds/ seeds/
RUN uv sync --frozen --no-dev

# Non-root runtime user; var/ is writable for the default SQLite database.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin insights \
    && mkdir -p /app/var \
    && chown insights /app/var
USER insights

ENV PATH=/app/.venv/bin:$PATH
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

CMD ["insights", "serve", "--host", "0.0.0.0", "--port", "8000"]
