"""The core's notifications: a notice to users about an object of any model, in the app and by
e-mail, each user seeing only their own."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_noop

from tests.web.factories import Network, bearer_client, logged_in_client
from tianping.web.core import notifications
from tianping.web.core.models import Notification

MESSAGE = gettext_noop("Decision on {reference}: {decision}.")


def _notify(network: Network, **extra: object) -> int:
    with transaction.atomic():
        return notifications.notify(
            users=[network.applicant_a, network.applicant_a, None],
            message=MESSAGE,
            params={"reference": "SYS-1", "decision": "approve"},
            url="/systems/",
            **extra,  # type: ignore[arg-type]
        )


def test_notify_about_an_object_of_any_model(network: Network) -> None:
    system = network.system_a
    assert _notify(network, target=system) == 1
    [note] = notifications.notifications_of(network.applicant_a)
    assert note.target == system
    assert note.target_id == str(system.pk)
    assert "SYS-1" in notifications.notification_text(note)
    assert list(Notification.objects.about(system)) == [note]
    assert not Notification.objects.about(network.system_b).exists()
    assert notifications.unread_count(network.applicant_a) == 1
    page = logged_in_client(network.applicant_a).get("/reviews/notifications/")
    assert page.status_code == 200 and 'href="/systems/"' in page.content.decode()
    [row] = bearer_client(network.applicant_a).get("/api/reviews/notifications").json()
    assert row["id"] == note.pk and row["application_id"] is None and row["reference"] is None


def test_notify_without_a_target(network: Network) -> None:
    _notify(network)
    note = Notification.objects.get(user=network.applicant_a)
    assert note.target is None and note.target_type is None and note.target_id is None


def test_a_users_notifications_are_never_anothers(network: Network) -> None:
    _notify(network, target=network.system_a)
    note = Notification.objects.get(user=network.applicant_a)
    other = network.applicant_b
    assert notifications.notifications_of(other) == []
    assert notifications.unread_count(other) == 0
    with pytest.raises(Http404):
        notifications.notification_mark_read(actor=other, notification_id=note.pk)
    assert logged_in_client(other).post(f"/reviews/notifications/{note.pk}/read/").status_code == (
        404
    )
    api = bearer_client(other)
    assert api.post(f"/api/reviews/notifications/{note.pk}/read").status_code == 404
    assert api.get("/api/reviews/notifications").json() == []
    assert notifications.notifications_mark_all_read(actor=other) == 0
    note.refresh_from_db()
    assert note.read_at is None
    assert notifications.notification_mark_read(actor=network.applicant_a, notification_id=note.pk)
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_of_a_missing_or_malformed_id_is_404(network: Network) -> None:
    for bad in (10**9, "x", None, 2**80):
        with pytest.raises(Http404):
            notifications.notification_mark_read(actor=network.applicant_a, notification_id=bad)


@pytest.mark.django_db(transaction=True)
def test_the_mail_is_sent_after_commit_and_not_when_suppressed(network: Network) -> None:
    mail.outbox.clear()
    _notify(network, target=network.system_a)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [network.applicant_a.email]
    assert "SYS-1" in sent.body and sent.body.endswith("\n\n/systems/")

    mail.outbox.clear()
    with notifications.mail_suppressed():
        _notify(network, target=network.system_a)
    assert mail.outbox == []
    assert Notification.objects.filter(user=network.applicant_a).count() == 2

    with pytest.raises(RuntimeError), transaction.atomic():  # rolled back: no row, no mail
        notifications.notify(users=[network.applicant_a], message=MESSAGE)
        raise RuntimeError
    assert mail.outbox == []
    assert Notification.objects.filter(user=network.applicant_a).count() == 2
