"""Background work of the risk network: e-mailing an early warning's recipients.

Issuing a warning writes the recipient rows and the in-app notices in bulk and
one ledger entry, in the request; the e-mails go afterwards, from the worker,
so that a warning to ten thousand organisations returns at once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from tianping.web.core.models import Notification
from tianping.web.core.notifications import notification_text
from tianping.web.network.models import EarlyWarning

log = logging.getLogger(__name__)


@task()
def warning_mail(warning_id: int, message: str) -> int:
    """E-mail the notices ``message`` of warning ``warning_id``; return how many were sent."""
    notes = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(EarlyWarning),
        target_id=str(warning_id),
        message=message,
    ).select_related("user")
    sent = 0
    for note in notes.iterator():
        address = getattr(note.user, "email", "")
        if not address:
            continue
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Tianping AI ethics platform")
                body = notification_text(note)
            send_mail(subject, f"{body}\n\n{note.url}", settings.DEFAULT_FROM_EMAIL, [address])
            sent += 1
        except Exception:  # the warning stands; the in-app notice remains
            log.exception("could not e-mail an early warning")
    return sent
