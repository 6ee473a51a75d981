"""The password policy (OWASP ASVS 4.0 V2.1), one function for every place a password is chosen.

- 8 to 128 characters, any Unicode (normalised to NFC, so "ộ" typed two ways is one password);
  no rule on character classes (V2.1.9): long passphrases of ordinary words are welcome.
- Refused when ``zxcvbn`` rates it guessable (score below ``PASSWORD_MIN_SCORE``, 3 by default):
  its dictionaries hold the common and breached passwords, keyboard walks, dates and repeats.
- Refused when it is built from the username, the person's name or the commune's name, which are
  given to ``zxcvbn`` as user inputs and also checked as plain substrings (without diacritics).

The demo seed (``seed-demo``) creates its users below this policy on purpose: the contract fixes
their password ``thanhxa-demo``, built from the commune's name, which the policy refuses
everywhere a person chooses a password.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from flask import current_app, has_app_context
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from webapp.text import fold

MIN_LENGTH = 8
MAX_LENGTH = 128
ZXCVBN_MAX = 72  # zxcvbn's own limit; a longer passphrase is rated on its first 72 characters
# Words anyone would try first against this app, whoever the user is.
APP_WORDS = ("binhdang", "binh dang", "matkhau", "mat khau", "phunu", "phu nu", "quantri",
             "canbo", "tonghop", "admin", "password", "vietnam")


def normalise(password: str) -> str:
    """The form a password is hashed and rated in (NFC)."""
    return unicodedata.normalize("NFC", password or "")


def _inputs(words: Iterable[str]) -> list[str]:
    """User inputs for zxcvbn: each word, its diacritic-free form, and its parts and their join."""
    found: set[str] = set()
    for word in words:
        folded = fold(word)
        if not folded:
            continue
        parts = [p for p in re.split(r"[^0-9a-z]+", folded) if p]
        found.update({folded, "".join(parts), *parts})
        # "Xã Thanh Xá" → also "thanhxa": drop the leading administrative word.
        if len(parts) > 2:
            found.add("".join(parts[1:]))
    return sorted(found)


def _personal_words(words: Iterable[str]) -> list[str]:
    """The pieces of the username, name and commune long enough to count when found inside a password."""
    pieces = set()
    for value in _inputs(words):
        squeezed = re.sub(r"[^0-9a-z]", "", value)
        if len(squeezed) >= 4:
            pieces.add(squeezed)
    return sorted(pieces)


def password_problem(password: str, username: str = "", full_name: str = "",
                     communes: Iterable[str] = ()) -> str | None:
    """Why ``password`` is refused (a sentence in the UI language), or None when it is acceptable."""
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password may have at most %(num)d characters.", num=MAX_LENGTH)
    personal = [username, full_name, *communes]
    squeezed = re.sub(r"[^0-9a-z]", "", fold(password))
    for piece in _personal_words(personal):
        if piece in squeezed and len(piece) * 2 >= len(squeezed) - 4:
            return _("The password must not be built from your username, your name or your commune's name.")
    for word in APP_WORDS:
        piece = word.replace(" ", "")
        if piece in squeezed and len(piece) * 2 >= len(squeezed) - 4:
            return _("This password is among the most common or leaked passwords. Choose another one.")
    own_words = _inputs(personal)
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=own_words + list(APP_WORDS))
    minimum = current_app.config.get("PASSWORD_MIN_SCORE", 3) if has_app_context() else 3
    if result["score"] >= minimum:
        return None
    matches = [m for m in result["sequence"] if m.get("pattern") == "dictionary"]
    if any(m["dictionary_name"] == "user_inputs" and m["matched_word"] in own_words for m in matches):
        return _("The password must not be built from your username, your name or your commune's name.")
    if any(m["dictionary_name"] in ("user_inputs", "passwords") for m in matches):
        return _("This password is among the most common or leaked passwords. Choose another one.")
    return _("This password is too easy to guess. Use a longer phrase of several unrelated words.")
