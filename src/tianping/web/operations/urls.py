"""The Operations page of a system, under ``/systems/<pk>/operations/``."""

from django.urls import path

from tianping.web.operations import views

app_name = "operations"
urlpatterns = [
    path("", views.operations_page, name="page"),
    path("counters/", views.counters, name="counters"),
    path("switch/", views.switch, name="switch"),
    path("playbook/", views.playbook, name="playbook"),
    path("keys/", views.key_create, name="key_create"),
    path("keys/<int:key_id>/revoke/", views.key_revoke, name="key_revoke"),
    path("monitors/alerts/<int:alert_id>/<slug:action>/", views.alert_handle, name="alert_handle"),
    path(
        "monitors/incidents/<int:incident_id>/close/",
        views.incident_close,
        name="incident_close",
    ),
    path("ledger/checkpoint/", views.checkpoint, name="checkpoint"),
    path("ledger/decisions/export/", views.export, name="export"),
    path("ledger/<slug:log>/key/", views.verifier_key, name="verifier_key"),
    path("ledger/<slug:log>/<int:index>/receipt/", views.receipt, name="receipt"),
]
