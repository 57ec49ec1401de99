"""Uploads, for every domain: checking files by size, extension and content, storing them under
the instance folder with random names, removing them, and serving a stored file to whoever the
calling view has let through (``send_stored``).

A file whose bytes do not match its extension (an .exe renamed .png) is refused. SVG and HTML
are never accepted: they can carry script. Imports nothing of the project but office.rules.
"""
from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l

from office.rules import NotFound

# extension -> (content type, is image, content check)
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _starts(*magics):
    return lambda head: any(head.startswith(m) for m in magics)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text as people's tools write it: UTF-8 or GBK, or
    the UTF-16 that Excel's "Unicode text" saves."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            # A multi-byte character cut by the end of the sample is still text.
            if error.start >= len(head) - 4:
                return True
    return False


TYPES = {
    "png": ("image/png", True, _starts(_PNG)),
    "jpg": ("image/jpeg", True, _starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", True, _starts(b"\xff\xd8\xff")),
    "gif": ("image/gif", True, _starts(b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", True, _webp),
    "pdf": ("application/pdf", False, _starts(b"%PDF-")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, _starts(_ZIP)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False, _starts(_ZIP)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False, _starts(_ZIP)),
    "xls": ("application/vnd.ms-excel", False, _starts(_OLE)),
    "doc": ("application/msword", False, _starts(_OLE)),
    "zip": ("application/zip", False, _starts(_ZIP)),
    "csv": ("text/csv", False, looks_like_text),
    "txt": ("text/plain", False, looks_like_text),
}
ACCEPT = ",".join("." + ext for ext in TYPES)
# Profile photos: pictures every browser shows (no GIF: a face does not move).
PHOTO_TYPES = ("png", "jpg", "jpeg", "webp")
PHOTO_ACCEPT = ",".join("." + ext for ext in PHOTO_TYPES)


class UploadError(ValueError):
    """A file was refused; the message says which and why."""


@dataclass
class Upload:
    """A checked, stored file waiting for the row (attachment, approval file...) that holds it."""

    file_name: str
    stored_name: str
    content_type: str
    size: int
    is_image: bool


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_name(name: str) -> str:
    """The name as shown: no folders, no control characters, at most 200 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:9]) if dot else name[:200]
    return name or "file"


def check_and_store(files, *, only: tuple[str, ...] | None = None, max_bytes: int | None = None,
                    max_files: int | None = None) -> list[Upload]:
    """Check every file, then store them all; on any refusal nothing is stored.

    ``only`` narrows the accepted extensions (profile photos: PHOTO_TYPES); ``max_bytes`` and
    ``max_files`` default to UPLOAD_MAX_BYTES and UPLOAD_MAX_FILES.
    Raises UploadError naming the file and the reason.
    """
    files = [f for f in files if f and f.filename]
    limit = max_files or current_app.config["UPLOAD_MAX_FILES"]
    if len(files) > limit:
        raise UploadError(_l("At most %(n)d files per post.", n=limit))
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    checked = []
    for storage in files:
        name = clean_name(storage.filename)
        ext = name.rpartition(".")[2].lower() if "." in name else ""
        if only is not None and ext not in only:
            raise UploadError(_l("%(name)s: only %(types)s files are accepted.", name=name,
                                 types=", ".join(sorted({t.upper().replace("JPG", "JPEG") for t in only}))))
        if ext not in TYPES:
            raise UploadError(_l("%(name)s: this type of file is not accepted.", name=name))
        data = storage.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise UploadError(_l("%(name)s is too large (at most %(mb)d MB).", name=name,
                                     mb=max_bytes // (1024 * 1024)))
        if not data:
            raise UploadError(_l("%(name)s is empty.", name=name))
        content_type, is_image, matches = TYPES[ext]
        if not matches(data[:4096]):
            raise UploadError(_l("%(name)s does not contain what its name says (.%(ext)s).", name=name, ext=ext))
        checked.append((name, ext, data, content_type, is_image))
    uploads = []
    folder = upload_dir()
    try:
        for name, ext, data, content_type, is_image in checked:
            stored = f"{secrets.token_hex(16)}.{ext}"
            with open(folder / stored, "xb") as handle:
                handle.write(data)
            uploads.append(Upload(name, stored, content_type, len(data), is_image))
    except OSError:
        discard(u.stored_name for u in uploads)
        raise
    return uploads


def path_of(stored_name: str) -> Path:
    return upload_dir() / stored_name


def discard(stored_names) -> None:
    """Remove stored files (after their post is gone, or its transaction failed)."""
    for stored in stored_names:
        try:
            os.unlink(path_of(stored))
        except FileNotFoundError:
            pass


def send_stored(stored_name: str, *, content_type: str, download_name: str, is_image: bool):
    """The response serving a stored file; the caller has already checked who may see it.

    Images are shown inline, everything else downloads; nosniff and a sandbox CSP keep a
    crafted file from running as a page. Raises NotFound when the file is gone from disk.
    """
    path = path_of(stored_name)
    if not path.exists():
        raise NotFound(stored_name)
    response = send_file(path, mimetype=content_type, as_attachment=not is_image,
                         download_name=download_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
