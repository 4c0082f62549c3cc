"""The seed files: where they are."""

from app.config import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"
