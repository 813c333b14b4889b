"""``reviews/0003_notification_to_core``: the review notifications of a database of the previous
migrations become core notifications about their application, nothing lost; and a deleted
application takes its notifications with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.web.reviews.factories import ReviewNetwork, make_application
from tianping.web.core import notifications
from tianping.web.core.models import Notification
from tianping.web.reviews.models import Application

BEFORE = [("core", "0001_scheduled_work"), ("reviews", "0002_background_job")]
"""The state before the move: no core notifications, the reviews app's own table."""


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def previous_schema() -> Iterator[MigrationExecutor]:
    """The database as the migrations before the move left it; migrated forward afterwards."""
    latest = _latest()
    executor = _migrate(BEFORE)
    try:
        yield executor
    finally:
        _migrate(latest)
        ContentType.objects.clear_cache()


@pytest.fixture
def application(reviews: ReviewNetwork) -> Application:
    """An application made with today's schema, before the database goes back (today's
    models cannot write to the previous schema)."""
    return make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )


@pytest.mark.django_db(transaction=True)
def test_review_notifications_are_copied_to_the_core(
    reviews: ReviewNetwork, application: Application, previous_schema: MigrationExecutor
) -> None:
    app = application
    old = previous_schema.loader.project_state(BEFORE).apps
    assert ("core", "notification") not in {
        (m._meta.app_label, m._meta.model_name) for m in old.get_models()
    }
    review_notification = old.get_model("reviews", "Notification")
    created = timezone.now() - timedelta(days=30)
    read = created + timedelta(days=1)
    first = review_notification.objects.create(
        user_id=reviews.net.applicant_a.pk,
        application_id=app.pk,
        message="Decision on {reference}: {decision}.",
        params={"reference": app.reference, "decision": "approve"},
        url="/reviews/",
        read_at=read,
    )
    second = review_notification.objects.create(
        user_id=reviews.net.chair_a.pk, application_id=None, message="No application"
    )
    review_notification.objects.filter(pk=first.pk).update(created_at=created)

    _migrate(_latest())
    ContentType.objects.clear_cache()

    assert "reviews_notification" not in connection.introspection.table_names()
    copied = Notification.objects.get(pk=first.pk)
    assert copied.user_id == reviews.net.applicant_a.pk
    assert copied.target == Application.objects.get(pk=app.pk)
    assert copied.target_type == ContentType.objects.get_for_model(Application)
    assert copied.target_id == str(app.pk)
    assert copied.params == {"reference": app.reference, "decision": "approve"}
    assert (copied.message, copied.url) == ("Decision on {reference}: {decision}.", "/reviews/")
    assert (copied.created_at, copied.read_at) == (created, read)
    untargeted = Notification.objects.get(pk=second.pk)
    assert untargeted.target is None and untargeted.user_id == reviews.net.chair_a.pk
    assert list(Notification.objects.about(app)) == [copied]
    # New notifications take ids after the copied ones.
    with transaction.atomic():
        notifications.notify(users=[reviews.net.applicant_a], message="After", target=app)
    assert Notification.objects.get(message="After").pk > second.pk


def test_a_deleted_application_takes_its_notifications(reviews: ReviewNetwork) -> None:
    app = make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )
    other = make_application(
        system=reviews.net.system_a, body=reviews.committee, applicant=reviews.net.applicant_a
    )
    for target in (app, other, reviews.net.system_a):
        notifications.notify(users=[reviews.net.applicant_a], message="x", target=target)
    app.delete()
    assert Notification.objects.filter(user=reviews.net.applicant_a).count() == 2
    assert Notification.objects.about(other).exists()
