"""Profile photos: checking and storing one picture for a person, removing it, and which
content type a stored photo is served as. No request, no templates; the views decide who may.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from office.db import db
from office.models.people import User
from office.uploads import PHOTO_TYPES, TYPES, UploadError, check_and_store, discard


def set_photo(user: User, storage) -> User:
    """Store ``storage`` (a werkzeug FileStorage) as ``user``'s photo and drop the old one.

    Raises office.uploads.UploadError when the file is missing, not a PNG/JPEG/WebP picture
    (by name and by content) or larger than PHOTO_MAX_BYTES; nothing changes then.
    """
    if not storage or not storage.filename:
        raise UploadError(_l("Choose a picture first."))
    (upload,) = check_and_store([storage], only=PHOTO_TYPES, max_files=1,
                                max_bytes=current_app.config["PHOTO_MAX_BYTES"])
    old = user.photo
    try:
        with db.atomic():
            User.update(photo=upload.stored_name).where(User.id == user.id).execute()
    except Exception:
        discard([upload.stored_name])
        raise
    if old:
        discard([old])
    user.photo = upload.stored_name
    return user


def remove_photo(user: User) -> User:
    """Go back to initials; the stored file is deleted."""
    old = user.photo
    User.update(photo="").where(User.id == user.id).execute()
    user.photo = ""
    if old:
        discard([old])
    return user


def content_type(stored_name: str) -> str:
    """The content type a stored photo is served as (from its checked extension)."""
    return TYPES[stored_name.rpartition(".")[2]][0]
