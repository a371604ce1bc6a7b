from django.urls import path

from studyhall.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.chat_home, name="home"),
    path("chat/new/", views.conversation_start, name="conversation-start"),
    path("c/<slug:slug>/chat/", views.room_list, name="room-list"),
    path("chat/r/<int:pk>/", views.room_detail, name="room-detail"),
    path("chat/r/<int:pk>/send/", views.message_send, name="message-send"),
    path("chat/r/<int:pk>/unread/", views.room_unread, name="room-unread"),
    path("chat/r/<int:pk>/join/", views.room_join, name="room-join"),
    path("chat/r/<int:pk>/leave/", views.room_leave, name="room-leave"),
    path("chat/r/<int:pk>/mute/", views.room_mute, name="room-mute"),
    path("chat/r/<int:pk>/people/", views.room_people, name="room-people"),
    path("chat/r/<int:pk>/archive/", views.room_archive, name="room-archive"),
    path("chat/m/<int:pk>/", views.message_detail, name="message-detail"),
    path("chat/m/<int:pk>/edit/", views.message_edit, name="message-edit"),
    path("chat/m/<int:pk>/delete/", views.message_delete, name="message-delete"),
    path("chat/m/<int:pk>/react/", views.message_react, name="message-react"),
    path("chat/m/<int:pk>/move/", views.message_move, name="message-move"),
]
