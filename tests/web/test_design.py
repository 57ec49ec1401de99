"""The style guide (/design): signed-in only, every pattern drawn by the real macros."""
from tests.inert import page_problems

SECTIONS = ("design-buttons", "design-tags", "design-cards", "design-avatars", "design-icons", "design-fields",
            "design-links")


def test_design_needs_sign_in(client):
    response = client.get("/design")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_design_draws_every_pattern(client, auth, staff):
    auth.login(staff)
    page = client.get("/design").get_data(as_text=True)
    for section in SECTIONS:
        assert f'id="{section}"' in page
    for tone in ("neutral", "info", "success", "warning", "danger", "brand"):
        assert f"tone-{tone}" in page
    assert page.count("avatar-tone-") >= 8  # every tone of the initials
    assert 'class="file-input" data-file-input' in page and 'type="date"' in page and 'type="datetime-local"' in page
    assert 'class="card-head"' in page and 'href="/static/icons.svg#inbox"' in page
    assert not page_problems(page)


def test_file_input_for_a_hand_written_input(app):
    # Templates with their own <input type="file"> (approval fields) can switch to the macro as is.
    with app.test_request_context():
        file_input = app.jinja_env.get_template("macros/forms.html").module.file_input
        html = str(file_input(id="f", name="files", multiple=True, accept=".png,.pdf", aria_describedby="f-hint",
                              required=True, disabled=False))
    assert '<input type="file" id="f" name="files" multiple accept=".png,.pdf" aria-describedby="f-hint" required>' in html
    assert '<label for="f" class="button file-input-button">' in html and "data-file-input" in html
