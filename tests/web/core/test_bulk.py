"""Rows written by one INSERT … SELECT: notices to every user of a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.factories import Network
from tianping.web.core.bulk import insert_select
from tianping.web.core.models import Notification
from tianping.web.core.notifications import notification_text, notify_query


def test_notify_query_writes_one_notice_per_distinct_user_in_one_statement(
    network: Network,
) -> None:
    n = network
    users = User.objects.filter(memberships__organisation__in=[n.enterprise_a, n.enterprise_b])
    expected = set(users.values_list("pk", flat=True))
    assert expected
    with CaptureQueriesContext(connection) as queries:
        made = notify_query(
            users=users | users,  # a user named twice gets one notice
            message="Early warning from {issuer}: “{title}”. Please acknowledge it.",
            params={"issuer": "Province", "title": "Leaks"},
            url="/network/",
            target=n.system_a,
        )
    assert made == len(expected)
    assert len([q for q in queries.captured_queries if "INSERT" in q["sql"]]) == 1
    notes = list(Notification.objects.filter(user__in=expected))
    assert {note.user_id for note in notes} == expected
    note = notes[0]
    assert note.target == n.system_a
    assert note.params == {"issuer": "Province", "title": "Leaks"}
    assert note.read_at is None and note.created_at is not None
    assert "Leaks" in notification_text(note)


def test_insert_select_refuses_a_field_without_a_value(network: Network) -> None:
    with pytest.raises(ValueError, match="message"):
        insert_select(Notification, key="user", source=User.objects.all(), values={})
    with pytest.raises(ValueError, match="colour"):
        insert_select(
            Notification,
            key="user",
            source=User.objects.all(),
            values={"message": "x", "created_at": None, "colour": "red"},
        )
    assert not Notification.objects.exists()
