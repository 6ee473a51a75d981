"""Answers remembered for the length of one page build (``with page_memo.remembering(): ...``).

A report page asks the same small questions many times (a commune's report periods and campaigns, the
units and villages in scope, the yearly figures): inside ``remembering`` a function wrapped with
``memoized`` runs once per arguments. Outside such a block (every write path) it runs every time, so
nothing read before a change is ever served after it.
"""
from __future__ import annotations

import contextlib
import copy
import functools
from typing import Any, Callable, Iterator

from flask import g, has_app_context


@contextlib.contextmanager
def remembering(enabled: bool = True) -> Iterator[None]:
    """Remember ``memoized`` answers while the block runs (nested blocks share the outer memory;
    ``enabled`` False: a plain block)."""
    if not enabled or not has_app_context() or g.get("_page_memo") is not None:
        yield
        return
    g._page_memo = {}
    try:
        yield
    finally:
        g._page_memo = None


def memoized(function: Callable) -> Callable:
    """``function`` answered from the page's memory inside ``remembering`` (a shallow copy of lists
    and dicts, so a caller that changes its answer changes nobody else's)."""
    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        """Look the arguments up, else call and remember."""
        memory = g.get("_page_memo") if has_app_context() else None
        if memory is None:
            return function(*args)
        key = (function.__module__, function.__qualname__, tuple(_key(arg) for arg in args))
        if key not in memory:
            memory[key] = (args, function(*args))  # the arguments kept alive: their ids stay theirs
        found = memory[key][1]
        return copy.copy(found) if isinstance(found, (list, dict, set)) else found
    return wrapper


def _key(value: Any) -> Any:
    """A hashable stand-in for an argument: itself, or its identity (e.g. a report scope)."""
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value
