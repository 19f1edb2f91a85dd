"""Publish: render every output of a digest, then write them atomically.

All files are rendered in memory first; each is then written to a temporary
file beside its target and moved into place with :func:`os.replace`, so a
crash never leaves a half-written file and readers see old or new, never a mix
within one file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from digest.config import Settings
from digest.model import Digest, digest_to_dict
from digest.render.email import render_html, render_text
from digest.render.feeds import render_atom, render_rss
from digest.render.mime import build_message

#: Output file names, in the order they are written and reported.
OUTPUTS = ("digest.json", "email.html", "email.txt", "digest.eml", "atom.xml", "rss.xml")


def render_outputs(
    digest: Digest, settings: Settings, templates: Path | None = None
) -> dict[str, bytes]:
    """Every output file's bytes, keyed by file name. Pure: writes nothing."""
    html = render_html(digest, settings, templates)
    text = render_text(digest, settings, templates)
    message = build_message(digest, settings, text, html)
    return {
        "digest.json": (
            json.dumps(digest_to_dict(digest), ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8"),
        "email.html": html.encode("utf-8"),
        "email.txt": text.encode("utf-8"),
        "digest.eml": message.as_bytes(),
        "atom.xml": render_atom([digest], settings),
        "rss.xml": render_rss([digest], settings),
    }


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into ``out_dir``; return the paths written."""
    written = []
    for name, data in files.items():
        target = out_dir / name
        write_atomic(target, data)
        written.append(target)
    return written
