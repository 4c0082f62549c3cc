"""`insights new-report`: a new report's folder, from commented templates.

The templates (`new_report/`) hold every field the loader reads, each with a comment saying what
goes in it, and empty values where only the curator can know: `insights check` then names each
field still to fill in, so the scaffold is a checklist as much as a start.
"""

import re
from importlib.resources import files
from pathlib import Path
from string import Template

from app.seeding.records import REPORTS_DIR

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TEMPLATES = ("report.yaml", "layers.yaml", "themes.yaml", "interviews.yaml", "quotes.yaml")


class ScaffoldError(ValueError):
    """The folder cannot be made: a bad id, or a folder that is already there."""


def new_report(seeds_dir: Path, report_id: str) -> Path:
    """Write `seeds_dir/reports/<report_id>/` from the templates; never over an existing one."""
    if not SLUG.match(report_id) or len(report_id) > 120:
        raise ScaffoldError(
            f"{report_id!r} is not a report id: lowercase letters and digits in words joined by "
            "hyphens, at most 120 characters (e.g. cgt-insights-2027)"
        )
    folder = seeds_dir / REPORTS_DIR / report_id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: nothing was written")
    folder.mkdir(parents=True)
    source = files("app.curation").joinpath("new_report")
    for name in TEMPLATES:
        template = Template(source.joinpath(name).read_text(encoding="utf-8"))
        (folder / name).write_text(template.substitute(report_id=report_id), encoding="utf-8")
    return folder
