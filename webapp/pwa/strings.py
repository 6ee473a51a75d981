"""What the page scripts need from the server: the person, URLs, settings and every string they show.

Strings shown by JavaScript come from the catalogs like every other string: they are rendered into
each page as JSON (``templates/pwa/_scripts.html``), in the person's language. Placeholders are
written ``{name}`` for the scripts to fill in.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.kinds import all_kinds


def client_strings() -> dict[str, str]:
    """Every sentence the outbox scripts show, translated."""
    return {
        "saved": _("Saved on this device."),
        "saved_sending": _("Saved on this device; sending…"),
        "syncing": _("Syncing %(done)s/%(total)s", done="{done}", total="{total}"),
        "last_sync": _("Last sync: %(time)s", time="{time}"),
        "never_synced": _("Not synced yet"),
        "sign_in_again": _("Sign in again to send"),
        "offline": _("No network: entries wait on this device"),
        "server_error": _("The server did not answer (error %(status)s); will retry", status="{status}"),
        "timeout": _("The server took too long; will retry"),
        "network": _("No connection; will retry"),
        "refused": _("The server refused the request (%(status)s); will retry", status="{status}"),
        "required": _("Required."),
        "whole_number": _("Must be a whole number."),
        "number": _("Must be a number."),
        "min": _("Must be %(n)s or more.", n="{n}"),
        "max": _("Must be %(n)s or less.", n="{n}"),
        "too_long": _("At most %(n)s characters.", n="{n}"),
        "fix_fields": _("Please correct the fields marked below."),
        "state_waiting": _("Waiting to send"),
        "state_sending": _("Sending"),
        "state_rejected": _("Rejected: needs fixing"),
        "state_conflict": _("Changed on the server: choose a version"),
        "state_photos": _("Sent; photos still uploading"),
        "fix": _("Fix"),
        "compare": _("Compare"),
        "edit": _("Edit"),
        "outbox_heading": _("Not yet sent (on this device)"),
        "local_heading": _("Entries known on this device"),
        "offline_notice": _("You are offline. This list is kept on this device."),
        "nothing_waiting": _("Nothing is waiting on this device."),
        "draft_offer": _("You have an unsaved draft from %(time)s.", time="{time}"),
        "draft_resume": _("Continue the draft"),
        "draft_discard": _("Discard the draft"),
        "conflict_title": _("This entry was changed on the server"),
        "conflict_help": _("Compare the two versions and choose which one to keep."),
        "mine": _("Your version"),
        "server": _("Server version"),
        "keep_mine": _("Keep mine"),
        "take_server": _("Take the server's"),
        "locked_note": _("The server's version is approved and locked; only it can be kept."),
        "rejected_title": _("The server did not accept this entry"),
        "editing_returned": _("You are correcting an entry returned by the reviewer."),
        "editing_entry": _("You are editing entry revision %(revision)s.", revision="{revision}"),
        "review_comment": _("Reviewer's comment"),
        "other_owner": _("Saved by %(user)s: sign in as that person to send it.", user="{user}"),
        "photos": _("%(n)s photos", n="{n}"),
        "photo_failed": _("A photo could not be read; choose it again."),
        "persistent_yes": _("Persistent: the browser will not clear this storage."),
        "persistent_no": _("Not persistent: the browser may clear this storage when space runs low."),
        "persistent_unknown": _("This browser does not say whether storage is persistent."),
        "usage": _("%(used)s used of %(quota)s available", used="{used}", quota="{quota}"),
        "offline_ready": _("Ready to work offline: %(n)s pages saved.", n="{n}"),
        "offline_not_ready": _("Not ready offline yet: open the app once with the network on."),
        "exported": _("File saved: %(name)s", name="{name}"),
        "not_found_local": _("This entry is not on this device."),
        "unknown_field": _("Field"),
        "men": _("Men"),
        "women": _("Women"),
        "attempts": _("Attempts: %(n)s", n="{n}"),
        "created": _("Saved on %(time)s", time="{time}"),
        "in_flight": _("This entry is being sent right now; it can be changed again once the server has it."),
        "delete": _("Delete"),
        "delete_yes": _("Yes, delete"),
        "cancel": _("Cancel"),
        "delete_confirm": _("Delete this entry from the phone? It has not been sent and cannot be recovered."),
        "delete_refused": _("It is being sent and can no longer be deleted here."),
    }


def status_labels() -> dict[str, str]:
    """The review status of an entry, as the entry list shows it."""
    return {"submitted": _("Waiting for review"), "approved": _("Approved"), "returned": _("Returned")}


def client_config() -> dict:
    """The page scripts' starting point, rendered into every page."""
    person = current_user.username if current_user.is_authenticated else None
    return {
        "user": person,
        "locale": str(get_locale() or "vi"),
        "syncTimeoutMs": current_app.config.get("PWA_SYNC_TIMEOUT_MS", 20_000),
        "batchSize": current_app.config.get("PWA_SYNC_BATCH", 100),
        "urls": {
            "worker": url_for("pwa.service_worker"),
            "login": url_for("auth.login"),
            "entries": url_for("entries.index"),
            "newEntry": url_for("entries.choose_kind"),
            "settings": url_for("pwa.settings"),
        },
        "kinds": {kind.code: str(kind.label) for kind in all_kinds()},
        "statuses": status_labels(),
        "strings": client_strings(),
    }
