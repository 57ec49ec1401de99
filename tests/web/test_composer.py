"""The feed's composer (issue 14, point 9): files are not hidden in a folded section but behind a
visible 附件 button with its icon, beside the post button; the list of chosen files has its item
template; a post with a file still goes through without JavaScript."""
import io
import re

from office.models.feed import Attachment, Post
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _composer(html):
    return html[html.index('<form id="composer"'):html.index("</form>", html.index('<form id="composer"'))]


def test_the_attach_button_is_visible_outside_the_folded_options(client, auth):
    auth.login(make_user("hejing", display_name="何静"))
    composer = _composer(client.get("/").get_data(as_text=True))
    folded = composer[composer.index("<details"):composer.index("</details>")]
    assert 'type="file"' not in folded and 'name="scope"' in folded
    tools = composer[composer.index('class="composer-tools"'):]
    assert re.search(r'<label class="button composer-attach" for="files">\s*<svg class="icon"[^>]*>'
                     r'<use href="/static/icons.svg#paperclip">', tools)
    assert '<input type="file" id="files" name="files" multiple' in tools
    assert 'data-preview="composer-files"' in tools
    # The box starts small (two rows; CSS grows it on focus) and the preview list waits for files.
    assert re.search(r'<textarea[^>]*\brows="2"', composer)
    assert '<ul class="composer-files" id="composer-files" data-files-for="files"' in composer
    assert '<template id="composer-file-item">' in composer


def test_posting_with_a_file_without_javascript(client, auth):
    auth.login(make_user("hejing", display_name="何静"))
    response = client.post("/feed/posts", data={"body": "新主图", "scope": "everyone", "remind": "",
                                                "files": [(io.BytesIO(PNG), "main.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    post = Post.get(Post.body == "新主图")
    assert [a.file_name for a in Attachment.select().where(Attachment.post == post.id)] == ["main.png"]
