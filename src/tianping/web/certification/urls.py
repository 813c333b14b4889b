from django.urls import path

from tianping.web.certification import mlbom_views, public_views, views

app_name = "certification"

urlpatterns = [
    path("certification/", views.home, name="home"),
    path("certification/apply/", views.apply, name="apply"),
    path("certification/<int:application_id>/", views.detail, name="detail"),
    path("certification/<int:application_id>/evaluators/", views.assign, name="assign"),
    path("certification/<int:application_id>/findings/", views.findings, name="findings"),
    path("certification/<int:application_id>/decide/", views.decide, name="decide"),
    path(
        "certification/<int:application_id>/certificate/<str:action>/",
        views.certificate_change,
        name="certificate_change",
    ),
    path("certification/<int:application_id>/appeal/", views.appeal, name="appeal"),
    path(
        "certification/<int:application_id>/appeal/decide/",
        views.appeal_decide,
        name="appeal_decide",
    ),
    path("certification/<int:application_id>/renew/", views.renew, name="renew"),
    path("certification/<int:application_id>/scope/", views.scope_record, name="scope_record"),
    path(
        "certification/<int:application_id>/surveillance/<int:case_id>/",
        views.surveillance_decide,
        name="surveillance_decide",
    ),
    path(
        "certification/<int:application_id>/certificate.json",
        views.certificate_download,
        name="certificate_download",
    ),
    # A system's own ML-BOM (its path from when the vendors app served it).
    path(
        "vendors/systems/<int:system_id>/ml-bom.json",
        mlbom_views.bom_export,
        name="bom_export",
    ),
    # Public: no login.
    path("verify/", public_views.verify, name="verify"),
    path(
        "register/certificates/<int:certificate_id>.pdf",
        public_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("register/", views.register, name="register"),
    path("register/<int:system_id>/", views.register_system, name="register_system"),
    path("bodies/<int:body_id>/did.json", views.did_json, name="did"),
    path(
        "certification/bodies/<int:body_id>/keys/compromised/",
        views.key_compromised,
        name="key_compromised",
    ),
    path("bodies/<int:body_id>/status/<str:purpose>", views.status_json, name="status_list"),
]
