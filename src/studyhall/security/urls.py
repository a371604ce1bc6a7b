from django.urls import path

from studyhall.security import views

app_name = "security"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("sessions/<int:session_id>/end/", views.session_end, name="session-end"),
    path("sessions/end-all/", views.log_out_everywhere, name="log-out-everywhere"),
]
