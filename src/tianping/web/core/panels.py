"""Panels that a higher app adds to a lower app's page, without the lower app importing it.

A page names a slot (``{% panels "system_detail" system %}``, from the ``panels`` template
library); an app registers a function for that slot in its ``AppConfig.ready()`` with
:func:`register`. Each function gets the request and the page's object and returns HTML
(escaped by the function, e.g. from ``render_to_string``) or an empty string.

>>> from tianping.web.core import panels
>>> panels.register("example", lambda request, obj: "")
>>> panels.render("example", None, None)
''
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest | None, Any], str]

_PANELS: dict[str, list[Panel]] = {}


def register(slot: str, panel: Panel) -> None:
    """Show ``panel`` in ``slot`` (once, however often the app is made ready)."""
    found = _PANELS.setdefault(slot, [])
    if panel not in found:
        found.append(panel)


def registered(slot: str) -> list[Panel]:
    return list(_PANELS.get(slot, ()))


def render(slot: str, request: HttpRequest | None, obj: Any) -> SafeString:
    """The HTML of every panel registered for ``slot``, in the order registered."""
    parts = [panel(request, obj) for panel in _PANELS.get(slot, ())]
    return format_html_join(
        "",
        "{}",
        ((mark_safe(part),) for part in parts if part),  # noqa: S308 - panels escape
    )
