from django.urls import path

from tianping.web.vendors import views

app_name = "vendors"

urlpatterns = [
    path("vendors/", views.home, name="home"),
    path("vendors/suppliers/<int:supplier_id>/", views.supplier, name="supplier"),
    path("vendors/systems/<int:system_id>/bom/", views.bom, name="bom"),
    path("vendors/systems/<int:system_id>/bom/upload/", views.bom_upload, name="bom_upload"),
    path(
        "vendors/systems/<int:system_id>/bom/components/<int:component_id>/",
        views.component,
        name="component",
    ),
]
