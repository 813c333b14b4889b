from django.urls import path

from tianping.web.index import views

app_name = "index"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("systems/<int:system_id>/", views.system, name="system"),
    path("systems/<int:system_id>/compute/", views.compute, name="compute"),
    path("systems/<int:system_id>/energy/", views.energy, name="energy"),
    path(
        "systems/<int:system_id>/algorithm-filing/",
        views.algorithm_filing,
        name="algorithm_filing",
    ),
    path("systems/<int:system_id>/ratings/", views.rate, name="rate"),
    path("systems/<int:system_id>/resolve/", views.resolve, name="resolve"),
    path("scorecards/<int:scorecard_id>/reply/", views.reply, name="reply"),
    path("scorecards/<int:scorecard_id>/publish/", views.publish, name="publish"),
    path("scorecards/<int:scorecard_id>.json", views.scorecard_json, name="scorecard_json"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings.<str:fmt>", views.rankings_export, name="rankings_export"),
    # Public: no login.
    path("methodology/", views.methodology, name="methodology"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:scorecard_id>/", views.public_scorecard, name="public_scorecard"),
    path("public/<int:scorecard_id>.json", views.public_scorecard_json, name="public_json"),
]
