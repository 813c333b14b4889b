from django.urls import path

from tianping.web.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/<int:number>/", views.article, name="article"),
]
