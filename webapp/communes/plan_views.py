"""Pages of a commune's topics, campaigns (action months) per year, and "copy last year's plan"."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.inputs import int_id
from webapp.communes import services, yearplan
from webapp.communes.views import bp
from webapp.extensions import db
from webapp.plan import targets as target_meta
from webapp.plan.models import Campaign, Topic


def _year() -> int:
    """The year asked for (this year by default)."""
    raw = request.values.get("year", "")
    year = int_id(raw)
    return year if year is not None and 2000 <= year <= 2100 else dt.date.today().year


@bp.route("/communes/<int:commune_id>/topics", methods=["GET", "POST"])
@login_required
def topics(commune_id: int):
    """The commune's topics: add one, or rename one (``topic_id``)."""
    commune = services.commune_or_404(current_user, commune_id)
    errors: dict[str, str] = {}
    failed = None
    if request.method == "POST":
        topic = None
        if request.form.get("topic_id"):
            topic = db.session.get(Topic, int_id(request.form["topic_id"])) \
                if int_id(request.form["topic_id"]) else None
            if topic is None or topic.commune_id != commune.id:
                abort(404)
            failed = topic.id
        try:
            yearplan.save_topic(commune, topic, request.form.get("name"), current_user)
        except services.CommuneError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("Topic saved."), "success")
            return redirect(url_for("communes.topics", commune_id=commune.id))
    return render_template("communes/topics.html", commune=commune, topics=yearplan.topics(commune),
                           errors=errors, failed=failed, form=request.form), 400 if errors else 200


@bp.route("/communes/<int:commune_id>/campaigns", methods=["GET", "POST"])
@login_required
def campaigns(commune_id: int):
    """The campaigns and action months of a year: add one, or change one (``campaign_id``)."""
    commune = services.commune_or_404(current_user, commune_id)
    year = _year()
    errors: dict[str, str] = {}
    failed = None
    if request.method == "POST":
        campaign = None
        if request.form.get("campaign_id"):
            raw = request.form["campaign_id"]
            campaign = db.session.get(Campaign, int_id(raw)) if int_id(raw) else None
            if campaign is None or campaign.commune_id != commune.id:
                abort(404)
            failed = campaign.id
        try:
            yearplan.save_campaign(commune, campaign, request.form, year, current_user)
        except services.CommuneError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("Campaign saved."), "success")
            return redirect(url_for("communes.campaigns", commune_id=commune.id, year=year))
    return render_template("communes/campaigns.html", commune=commune, year=year,
                           campaigns=yearplan.campaigns(commune, year), errors=errors, failed=failed,
                           form=request.form), 400 if errors else 200


@bp.route("/communes/<int:commune_id>/copy-plan", methods=["GET", "POST"])
@login_required
def copy_plan(commune_id: int):
    """Preview of last year's targets, campaigns and plan title for ``year``; copied on confirmation."""
    commune = services.commune_or_404(current_user, commune_id)
    year = _year()
    if request.method == "POST":
        done = yearplan.copy_last_year(commune, year, current_user)
        db.session.commit()
        flash(_("Copied from %(last)s: %(t)s targets and %(c)s campaigns.", last=year - 1, t=len(done.targets),
                c=len(done.campaigns)) if not done.empty else _("Nothing left to copy."), "success")
        return redirect(url_for("plan.index", year=year, **({"commune": commune.id}
                                                           if len(services.managed_communes(current_user)) > 1
                                                           else {})))
    preview = yearplan.copy_preview(commune, year)
    return render_template("communes/copy_plan.html", commune=commune, year=year, preview=preview,
                           describe=target_meta.describe, goal_text=target_meta.goal_text,
                           campaign_text=yearplan.campaign_text)
