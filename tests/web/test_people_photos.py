"""Profile photos: upload on one's own profile (an admin on the edit page), checked by
office/uploads.py, served by people.photo, shown by the avatar macro."""
import io
import os

import pytest

from office.models.people import User
from office.uploads import path_of
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def upload(client, username, data, name, **extra):
    return client.post(f"/people/{username}/photo", data={"photo": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


@pytest.fixture
def staff(app):
    # English, so the tests read the refusals as written in office/uploads.py.
    return make_user("xiaoli", display_name="李小丽", locale="en")


def fresh(user):
    return User.get_by_id(user.id)


@pytest.mark.parametrize("data,name,content_type", [(PNG, "me.png", "image/png"), (JPEG, "我.JPG", "image/jpeg"),
                                                    (WEBP, "me.webp", "image/webp")])
def test_upload_own_photo_then_it_is_served_and_shown(client, auth, staff, data, name, content_type):
    auth.login(staff)
    response = upload(client, staff.username, data, name)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{staff.username}")
    stored = fresh(staff).photo
    assert stored and stored.endswith(name.rpartition(".")[2].lower()) and path_of(stored).exists()

    page = client.get(f"/people/{staff.username}").get_data(as_text=True)
    assert f'src="/people/{staff.username}/photo?v={stored}"' in page  # the avatar, cache-busted by the stored name

    with client.get(f"/people/{staff.username}/photo?v={stored}") as served:
        body = served.data
    assert served.status_code == 200 and body == data
    assert served.headers["Content-Type"] == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["Cache-Control"] == "private, max-age=3600"
    assert "attachment" not in served.headers.get("Content-Disposition", "")


@pytest.mark.parametrize("data,name,reason", [
    (b"%PDF-1.7 hello", "cv.pdf", "only JPEG, PNG, WEBP files are accepted"),
    (b"GIF89a" + b"\x00" * 20, "me.gif", "only JPEG, PNG, WEBP files are accepted"),
    (b"<svg onload=alert(1)>", "me.svg", "only JPEG, PNG, WEBP files are accepted"),
    (b"MZ\x90\x00 not a picture", "me.png", "does not contain what its name says"),
])
def test_wrong_type_refused_with_a_clear_error(client, auth, staff, data, name, reason):
    auth.login(staff)
    response = upload(client, staff.username, data, name)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert reason in page and "flash-error" in page
    assert fresh(staff).photo == ""


def test_too_large_refused(app, client, auth, staff):
    app.config["PHOTO_MAX_BYTES"] = 100
    try:
        auth.login(staff)
        page = client.get(upload(client, staff.username, PNG + b"\x00" * 100, "big.png").headers["Location"])
        assert "big.png is too large" in page.get_data(as_text=True)
        assert fresh(staff).photo == ""
    finally:
        app.config["PHOTO_MAX_BYTES"] = 2 * 1024 * 1024


def test_no_file_chosen_refused(client, auth, staff):
    auth.login(staff)
    response = client.post(f"/people/{staff.username}/photo", data={}, content_type="multipart/form-data")
    assert "Choose a picture first." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_another_user_cannot_change_or_remove_my_photo(client, auth, staff):
    auth.login(staff)
    upload(client, staff.username, PNG, "me.png")
    mine = fresh(staff).photo
    other = make_user("hejing", display_name="何静", locale="en")
    auth.logout()
    auth.login(other)
    assert upload(client, staff.username, JPEG, "prank.jpg").status_code == 403
    assert client.post(f"/people/{staff.username}/photo/remove").status_code == 403
    assert fresh(staff).photo == mine and path_of(mine).exists()
    # Colleagues may see it, and my profile page offers them no form for it.
    with client.get(f"/people/{staff.username}/photo") as served:
        assert served.status_code == 200
    assert 'id="photo-heading"' not in client.get(f"/people/{staff.username}").get_data(as_text=True)


def test_admin_sets_and_removes_a_photo_from_the_edit_page(client, auth, admin, staff):
    auth.login(admin)
    edit = client.get(f"/people/{staff.id}/edit").get_data(as_text=True)
    assert f'action="/people/{staff.username}/photo"' in edit and 'enctype="multipart/form-data"' in edit
    response = upload(client, staff.username, PNG, "face.png", back="edit")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{staff.id}/edit")
    stored = fresh(staff).photo
    assert stored
    response = client.post(f"/people/{staff.username}/photo/remove", data={"back": "edit"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/people/{staff.id}/edit")
    assert fresh(staff).photo == "" and not path_of(stored).exists()


def test_new_photo_replaces_the_old_file(client, auth, staff):
    auth.login(staff)
    upload(client, staff.username, PNG, "one.png")
    first = fresh(staff).photo
    upload(client, staff.username, JPEG, "two.jpg")
    second = fresh(staff).photo
    assert second != first and path_of(second).exists() and not os.path.exists(path_of(first))


def test_remove_own_photo_goes_back_to_initials(client, auth, staff):
    auth.login(staff)
    upload(client, staff.username, PNG, "me.png")
    response = client.post(f"/people/{staff.username}/photo/remove")
    assert response.status_code == 303 and fresh(staff).photo == ""
    page = client.get(f"/people/{staff.username}").get_data(as_text=True)
    assert "avatar-tone-" in page and f"/people/{staff.username}/photo?" not in page


def test_photo_needs_login_and_a_photo(client, auth, staff):
    assert client.get(f"/people/{staff.username}/photo").status_code in (302, 401)
    auth.login(staff)
    assert client.get(f"/people/{staff.username}/photo").status_code == 404
    assert client.get("/people/nobody/photo").status_code == 404
    assert upload(client, "nobody", PNG, "x.png").status_code == 404


def test_photo_form_posts_with_csrf_on(app, client, auth, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        auth.login(staff)
        response = upload(client, staff.username, PNG, "me.png")
        assert response.status_code == 400 and fresh(staff).photo == ""  # no token: refused
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
