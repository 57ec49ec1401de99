"""Views for /api/tokens: each person who works orders makes, lists and revokes their own
API tokens. Others get 404, as on every order URL. A new token is shown in the answer to
the POST that made it and never again (no redirect: the token must not sit in a session).
"""
from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from office import htmx
from office.access import me
from office.api.blueprint import bp
from office.api.credentials import TokenError, create_token, own_tokens, revoke_token
from office.forms import EmptyForm, Form
from office.orders.access import orders_or_404


class TokenForm(Form):
    name = StringField(_l("What will use it"), validators=[DataRequired(), Length(max=60)])


def _page(form: TokenForm | None = None, status: int = 200, new_token: str = "", new_name: str = ""):
    user = me()
    response = htmx.render(
        "api/tokens.html", partial="api/_token_list.html", status=status,
        form=form or TokenForm(formdata=None), tokens=list(own_tokens(user)), actions=EmptyForm(),
        new_token=new_token, new_name=new_name,
        endpoint=url_for("api.orders", _external=True),
    )
    if new_token:
        # The one response that carries the token: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tokens")
@login_required
def tokens():
    """GET: the person's tokens and the form for a new one; ``#token-list`` alone for htmx."""
    orders_or_404(current_user)
    return _page()


@bp.route("/tokens", methods=["POST"])
@login_required
def token_create():
    """POST: make a token. Answers the page (htmx: ``#token-list``) showing the token once;
    422 with the form when the name is missing."""
    orders_or_404(current_user)
    form = TokenForm()
    if form.validate_on_submit():
        try:
            row, token = create_token(me(), form.name.data)
        except TokenError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            return _page(status=201, new_token=token, new_name=row.name)
    return _page(form, status=422)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: int):
    """POST: revoke one of the person's own tokens (anyone else's: 404). htmx gets
    ``#token-list``; no-JS a 303."""
    orders_or_404(current_user)
    form = EmptyForm()
    if form.validate_on_submit():
        token = revoke_token(me(), token_id)
        if token is None:
            abort(404)
        if htmx.is_partial():
            return _page()
        flash(_("Token %(name)s revoked.", name=token.name), "success")
    return htmx.redirect(url_for("api.tokens"))
