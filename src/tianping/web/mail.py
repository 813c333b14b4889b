"""Where the platform's e-mail goes when no mail server is configured: a private outbox folder.

Password-reset links and review notifications are secrets addressed to one
person; they must not land in the server's log. Outside the demo the platform
sends through SMTP when ``TIANPING_EMAIL_HOST`` is set and otherwise writes each
message to ``TIANPING_HOME/outbox`` (folder 0700, files 0600) with
:class:`OutboxBackend`; :func:`announce_outbox` says so once at start, naming
the folder and nothing of any message.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend

from tianping.web.home import PRIVATE_FILE_MODE, private_dir

logger = logging.getLogger("tianping.web.mail")

OUTBOX_BACKEND = "tianping.web.mail.OutboxBackend"
OUTBOX_NOTICE = (
    "E-mail is not sent: no mail server is configured (TIANPING_EMAIL_HOST). "
    "Messages are written to %s, readable only by this account."
)


class OutboxBackend(FileBackend):
    """Django's file backend with private modes: the folder 0700, each message file 0600."""

    def __init__(self, file_path: str | None = None, **kwargs: Any) -> None:
        folder = file_path if file_path is not None else settings.EMAIL_FILE_PATH
        private_dir(folder)
        super().__init__(file_path=str(folder), **kwargs)

    def open(self) -> bool:
        if self.stream is None:
            descriptor = os.open(
                self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE
            )
            self.stream = os.fdopen(descriptor, "ab")
            return True
        return False


def outbox_folder() -> Path | None:
    """The outbox folder when e-mail goes there (``None`` when another backend sends it)."""
    if settings.EMAIL_BACKEND != OUTBOX_BACKEND:
        return None
    return Path(settings.EMAIL_FILE_PATH)


def announce_outbox() -> None:
    """Log once, at start, that e-mail goes to the outbox folder (no message content)."""
    folder = outbox_folder()
    if folder is not None:
        logger.warning(OUTBOX_NOTICE, folder)


__all__ = ["OUTBOX_BACKEND", "OutboxBackend", "announce_outbox", "outbox_folder"]
