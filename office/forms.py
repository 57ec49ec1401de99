"""Form pieces shared by every domain."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare button that only needs a CSRF token (deactivate, delete, log out)."""
