"""The registry of activity kinds: every module here that defines ``KIND`` is one kind."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from webapp.kinds.base import COMMON_FIELDS, Kind
from webapp.kinds.fields import Field, FieldError, ValidationContext

_SUPPORT_MODULES = {"base", "fields", "identities"}

__all__ = ["COMMON_FIELDS", "Field", "FieldError", "Kind", "ValidationContext", "all_kinds", "get_kind",
           "sensitive_kind_codes", "headline_kind_codes", "feeds_headline"]


@lru_cache(maxsize=1)
def _registry() -> dict[str, Kind]:
    """Import every kind module once and index the kinds by code."""
    kinds: dict[str, Kind] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name in _SUPPORT_MODULES:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            if kind.code in kinds:
                raise RuntimeError(f"two kinds share the code {kind.code!r}")
            kinds[kind.code] = kind
    return dict(sorted(kinds.items(), key=lambda item: (item[1].position, item[0])))


def all_kinds() -> list[Kind]:
    """Every kind, in the order the app shows them."""
    return list(_registry().values())


def get_kind(code: str) -> Kind | None:
    """The kind with this code, or None."""
    return _registry().get(code)


def headline_kind_codes() -> tuple[str, ...]:
    """Codes of the kinds whose participants feed the report's headline (those with a counted audience)."""
    return tuple(kind.code for kind in all_kinds() if kind.counts_participants)


def feeds_headline(code: str) -> bool:
    """Whether an entry of kind ``code`` counts its participants in the headline."""
    kind = get_kind(code)
    return kind is not None and kind.counts_participants


def sensitive_kind_codes() -> tuple[str, ...]:
    """Codes of the kinds with a sensitive field (today: support)."""
    return tuple(kind.code for kind in all_kinds() if kind.sensitive)
