"""Form pieces shared by every domain: the base form and the bare button form."""
from flask_wtf import FlaskForm

from office.i18n import wtforms_translations


class Form(FlaskForm):
    """Every form's base: WTForms' own messages (必填, 无效选择…) in the user's language.

    Flask-WTF would reload WTForms' catalog from disk on every request; this
    keeps one loaded catalog per language.
    """

    class Meta:
        def get_translations(self, form):
            return wtforms_translations()


class EmptyForm(Form):
    """A bare button that only needs a CSRF token (deactivate, delete, log out)."""
