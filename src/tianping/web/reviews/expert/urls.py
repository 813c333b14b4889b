"""Expert re-review by the competent authority.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.expert import views

urlpatterns: list[URLPattern] = [
    path("expert/", views.expert_review_list, name="expert_reviews"),
    path("expert/mine/", views.my_panels, name="expert_my_panels"),
    path("expert/statistics/", views.expert_statistics, name="expert_statistics"),
    path("expert/<int:pk>/", views.expert_review_detail, name="expert_review"),
    path("expert/<int:pk>/panel/add/", views.expert_panel_add, name="expert_panel_add"),
    path(
        "expert/<int:pk>/panel/<int:seat_pk>/remove/",
        views.expert_panel_remove,
        name="expert_panel_remove",
    ),
    path("expert/<int:pk>/form/", views.expert_panel_form, name="expert_panel_form"),
    path("expert/<int:pk>/conclude/", views.expert_conclude, name="expert_conclude"),
    path("expert/<int:pk>/proposal/", views.expert_proposal, name="expert_proposal"),
    path("expert/seats/<int:pk>/", views.seat_detail, name="expert_seat"),
    path("expert/seats/<int:pk>/declare/", views.seat_declare, name="expert_seat_declare"),
    path("expert/seats/<int:pk>/vote/", views.seat_vote, name="expert_seat_vote"),
]
