"""Writing a draft folder without clobbering what a curator has edited.

The folder's `.draft.json` records the SHA-256 of every file as the draft last wrote it. On the
next run a file is rewritten only if it is still exactly that (or `force` is given): a file
whose content differs, or that the draft never wrote (a committed seed file, say), is kept.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.curation.documents import documents
from app.curation.draft import draft_report
from app.curation.records import Draft
from app.curation.vocabulary import read_vocabulary
from app.seeding.records import REPORTS_DIR

MANIFEST = ".draft.json"


@dataclass
class Written:
    folder: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed since the draft wrote them
    foreign: list[str] = field(default_factory=list)  # there before; the draft never wrote them


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """The digest of each file as the draft last wrote it; none when there is no readable
    manifest, so that every file already there counts as a curator's."""
    try:
        document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = document["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(name): str(digest) for name, digest in files.items()}


def write_draft(files: dict[str, str], folder: Path, *, force: bool = False) -> Written:
    """Write each file into `folder`, keeping the ones a curator changed unless `force`."""
    folder.mkdir(parents=True, exist_ok=True)
    last = read_manifest(folder)
    manifest: dict[str, str] = {}
    result = Written(folder)
    for name, content in files.items():
        path = folder / name
        data = content.encode("utf-8")
        if path.exists() and not force and last.get(name) != _digest(path.read_bytes()):
            # The old digest stays, so the file still counts as edited on the run after.
            if name in last:
                manifest[name] = last[name]
                result.kept.append(name)
            else:
                result.foreign.append(name)
            continue
        path.write_bytes(data)
        manifest[name] = _digest(data)
        result.written.append(name)
    # A folder the draft never wrote to (a committed report's, say) gets no manifest either.
    if manifest:
        document = {"written_by": "insights draft", "files": manifest}
        (folder / MANIFEST).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return result


def draft_folder(
    source: Path,
    *,
    report_id: str,
    out: Path,
    vocabulary_dir: Path,
    force: bool = False,
    prefix: str | None = None,
) -> tuple[Draft, Written]:
    """Draft the report at `source` into `out/reports/<report_id>/`, against the vocabularies
    at the top of `vocabulary_dir`."""
    draft = draft_report(
        source.read_text(encoding="utf-8"),
        report_id=report_id,
        source_name=source.name,
        vocabulary=read_vocabulary(vocabulary_dir),
        prefix=prefix,
    )
    folder = out / REPORTS_DIR / report_id
    return draft, write_draft(documents(draft), folder, force=force)
