"""The body's review: workspace, declarations, meetings, simplified procedure, appeals.

Under ``/reviews/``, namespace ``reviews``.
"""

from django.urls import URLPattern, path

from tianping.web.reviews.meetings import views

urlpatterns: list[URLPattern] = [
    path("applications/<int:pk>/workspace/", views.workspace_page, name="workspace"),
    path("applications/<int:pk>/workspace/findings/", views.finding_post, name="finding_set"),
    path("applications/<int:pk>/workspace/comments/", views.comment_post, name="comment_add"),
    path("applications/<int:pk>/declaration/", views.declaration_page, name="declaration"),
    path("declarations/", views.my_declarations, name="my_declarations"),
    path("bodies/<int:pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("bodies/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/", views.attendance_post, name="attendance_set"),
    path("meetings/<int:pk>/reschedule/", views.meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/items/<int:item_pk>/quorum/", views.item_quorum, name="item_quorum"),
    path("meetings/<int:pk>/items/<int:item_pk>/open/", views.voting_open, name="voting_open"),
    path("meetings/<int:pk>/items/<int:item_pk>/vote/", views.vote_post, name="vote_cast"),
    path("meetings/<int:pk>/items/<int:item_pk>/close/", views.voting_close, name="voting_close"),
    path("applications/<int:pk>/simplified/", views.simplified_page, name="simplified"),
    path(
        "applications/<int:pk>/simplified/reviewers/",
        views.simplified_name,
        name="simplified_name",
    ),
    path(
        "applications/<int:pk>/simplified/opinion/",
        views.simplified_opinion,
        name="simplified_opinion",
    ),
    path(
        "applications/<int:pk>/simplified/conclude/",
        views.simplified_conclude,
        name="simplified_conclude",
    ),
    path("applications/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
