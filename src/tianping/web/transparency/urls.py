from django.urls import path

from tianping.web.transparency import views

app_name = "transparency"

urlpatterns = [
    path("", views.home, name="home"),
    path("systems/<int:system_id>/", views.system, name="system"),
    path("systems/<int:system_id>/<str:kind>/edit/", views.edit, name="edit"),
    path("versions/<int:version_id>/", views.version, name="version"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("versions/<int:version_id>/document.html", views.version_html, name="version_html"),
    path("versions/<int:version_id>/document.pdf", views.version_pdf, name="version_pdf"),
    path("versions/<int:version_id>/document.json", views.version_json, name="version_json"),
    # Public: no login; a published user notice only.
    path("notice/<int:system_id>.html", views.notice_html, name="notice_html"),
    path("notice/<int:system_id>.txt", views.notice_text, name="notice_text"),
]
