"""The core's tables: the schedule of periodic work and notifications.

(Jobs: an abstract model, see ``jobs``.)
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledWork(models.Model):
    """Work every ``tianping worker`` runs when it is due: reminders, expiries, purges, reports.

    Rows are created from what the apps register (``periodic.register``); an
    administrator may change the interval or disable one in the admin. A worker
    claims a due row by moving its ``next_run_at`` in one conditional update, so
    several workers never run the same work twice at once.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    function = models.CharField(_("function"), max_length=300)
    every_seconds = models.PositiveIntegerField(_("every (seconds)"))
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=8, choices=Outcome.choices, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled work")
        verbose_name_plural = _("scheduled work")

    def __str__(self) -> str:
        return self.name


class NotificationQuerySet(models.QuerySet["Notification"]):
    def about(self, target: models.Model) -> NotificationQuerySet:
        """The notifications whose target is ``target``."""
        return self.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
        )


class Notification(models.Model):
    """An in-app notification to one user (also e-mailed; see ``core.notifications``).

    ``message`` is stored untranslated (``gettext_noop``) with ``params`` and
    translated when shown, so each reader sees it in their own language. The
    optional ``target`` is any object the notice is about (an application, a
    system …); ``target_id`` is text so that integer and UUID keys both fit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # NULL, like target_type, when there is no target (not "": no object has that key).
    target_id = models.CharField(_("target ID"), max_length=64, null=True, blank=True)  # noqa: DJ001
    target = GenericForeignKey("target_type", "target_id")
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="core_notif_user_read"),
            models.Index(fields=["target_type", "target_id"], name="core_notif_target"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.message[:40]}"
