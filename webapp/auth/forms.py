"""Sign-in and password forms (Flask-WTF: CSRF on every one)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo


class LoginForm(FlaskForm):
    """Username and password, the names the contract fixes."""

    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Enter your username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])


class PasswordForm(FlaskForm):
    """Change one's own password; every other session and token is ended."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(message=_l("Enter your current password."))])
    # Length and strength: the password policy (webapp/auth/passwords.py), applied by the service.
    new = PasswordField(_l("New password"), validators=[DataRequired(message=_l("Enter a new password."))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("new", message=_l("The two new passwords differ.")),
    ])
