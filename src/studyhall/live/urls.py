from django.urls import path

from studyhall.live import views

app_name = "live"

urlpatterns = [
    path("c/<slug:slug>/live/", views.live_list, name="live-list"),
    path("c/<slug:slug>/live/new/", views.live_create, name="live-create"),
    path("g/<int:pk>/live/new/", views.live_create, name="live-create-group"),
    path("live/<int:pk>/", views.live_detail, name="live-detail"),
    path("live/<int:pk>/polls/", views.poll_create, name="poll-create"),
    path("live/<int:pk>/polls/toggle/", views.poll_toggle, name="poll-toggle"),
    path("live/<int:pk>/vote/", views.poll_vote, name="poll-vote"),
    path("live/<int:pk>/questions/", views.question_ask, name="question-ask"),
    path("live/<int:pk>/upvote/", views.question_upvote, name="question-upvote"),
    path("live/<int:pk>/mark/", views.question_mark, name="question-mark"),
    path("live/<int:pk>/hands/", views.hand_raise, name="hand-raise"),
    path("live/<int:pk>/hands/clear/", views.hand_clear, name="hand-clear"),
    path("live/<int:pk>/react/", views.reaction, name="reaction"),
    path("live/<int:pk>/end/", views.live_end, name="live-end"),
]
