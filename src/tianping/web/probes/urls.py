from django.urls import path

from tianping.web.probes import views

app_name = "probes"

urlpatterns = [
    path("systems/<int:pk>/", views.system_probes, name="system"),
    path("systems/<int:pk>/endpoint/", views.endpoint_edit, name="endpoint"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:run_id>/cancel/", views.run_cancel, name="run_cancel"),
]
