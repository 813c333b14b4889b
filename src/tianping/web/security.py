"""Response hardening in the web layer: a Content-Security-Policy on every response, and
right-to-left controls taken out of every HTML page.

- :class:`ContentSecurityPolicyMiddleware` sends ``settings.CONTENT_SECURITY_POLICY``
  (the pages load scripts and styles from the platform's own static files only:
  no inline script or style, no other origin, no framing);
- :class:`BidiControlMiddleware` removes the bidirectional embedding, override and
  isolate controls (U+202A–U+202E, U+2066–U+2069) from HTML responses, so text a
  user typed (a system's name, a title, a comment) cannot reorder what the page
  shows around it, in headings, attributes and the page title alike, where markup
  such as ``<bdi>`` (which the PDF reports use) cannot reach;
- :class:`ClientErrorWithoutTraceback` logs a refused request (a 4xx answer: 403
  permission denied, 400 suspicious request) on one line, without a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI: the controls that reorder the text after them."""
_BIDI_UTF8 = re.compile(b"|".join(re.escape(ch.encode("utf-8")) for ch in BIDI_CONTROLS))
_STRIP = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """``text`` without bidirectional embedding, override and isolate controls."""
    return text.translate(_STRIP)


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``) to every response.

    A view that sets its own policy keeps it; an empty setting sends none.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class BidiControlMiddleware:
    """Removes bidirectional controls from HTML responses (pages and htmx fragments)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and str(response.charset).lower().replace("-", "") == "utf8"
        ):
            content = response.content  # type: ignore[attr-defined]
            cleaned = _BIDI_UTF8.sub(b"", content)
            if len(cleaned) != len(content):
                response.content = cleaned  # type: ignore[attr-defined]
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(cleaned))
        return response


class ClientErrorWithoutTraceback(logging.Filter):
    """Drops the traceback from a log record of a request answered with a 4xx status.

    Django logs ``PermissionDenied`` (403) and other refused requests with the
    exception attached; a refusal is not a fault of the server, and one line (the
    status and the path) says all there is to say.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


__all__ = [
    "BIDI_CONTROLS",
    "BidiControlMiddleware",
    "ClientErrorWithoutTraceback",
    "ContentSecurityPolicyMiddleware",
    "strip_bidi_controls",
]
