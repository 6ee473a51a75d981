"""Login, logout, language choice and the profile page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.auth import services, throttle
from webapp.auth.forms import LoginForm, PasswordForm
from webapp.extensions import db, login_manager
from webapp.navigation import landing_url

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """A same-site path to return to after login, never another host; else the role's landing page."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return landing_url(current_user) if current_user.is_authenticated else url_for("entries.index")


@login_manager.unauthorized_handler
def unauthorized():
    """Pages send the visitor to the login form; the API answers 401 JSON."""
    if request.path.startswith("/api/"):
        from webapp.errors import json_error

        return json_error(401, "unauthorized", _("Please sign in."))
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in on POST with one generic error for any wrong part (throttled)."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error, headers = None, {}
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        attempt = throttle.SignInAttempt(form.username.data)
        wait = attempt.wait_seconds()
        if wait:
            error, status, headers = throttle.wait_message(wait), 429, {"Retry-After": str(wait)}
        else:
            user = services.authenticate(form.username.data, form.password.data)
            if user is not None:
                attempt.succeeded()
                services.start_session(user)
                if user.must_change_password:
                    return redirect(url_for("auth.profile"))
                return redirect(_safe_next(request.args.get("next")))
            attempt.failed()
            error = _("Wrong username or password.")
    return render_template("auth/login.html", form=form, error=error), status, headers


@bp.post("/logout")
def logout():
    """Sign out: the server-side session is revoked, so a saved cookie no longer works."""
    services.end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    """Switch the UI language between Vietnamese and English."""
    locale = request.form.get("locale", "vi")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The person's roles and a password change that ends every other session."""
    from webapp.users.services import change_own_password

    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        errors = change_own_password(user, form.current.data, form.new.data, device="web")
        for name, message in errors.items():
            form[name].errors.append(message)
        if not errors:
            db.session.commit()
            services.start_session(user)
            flash(_("Your password has been changed; other devices must sign in again."), "success")
            return redirect(url_for("auth.profile"))
    status = 400 if form.errors else 200
    return render_template("auth/profile.html", form=form), status


# Pages a person with a temporary password may still open: the change form and what it needs.
TEMPORARY_PASSWORD_ENDPOINTS = frozenset({"auth.profile", "auth.logout", "auth.set_language", "auth.login", "static",
                                          "pwa.manifest", "pwa.service_worker", "pwa.offline"})


@bp.before_app_request
def require_password_change():
    """A temporary password (reset or import) must be changed before anything else is done."""
    if request.endpoint in TEMPORARY_PASSWORD_ENDPOINTS or request.endpoint is None:
        return None
    if not request.path.startswith("/api/") and "_user_id" not in session and "sid" not in session:
        return None
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    message = _("Your password is temporary: choose a new one before going on.")
    if request.path.startswith("/api/"):
        from webapp.errors import json_error

        return json_error(403, "password_change_required", message)
    flash(message, "error")
    return redirect(url_for("auth.profile"))
