from django.urls import path

from studyhall.recognition import views

app_name = "recognition"

urlpatterns = [
    path("recognition/", views.dashboard, name="dashboard"),
    path("p/<int:pk>/feedback/", views.post_feedback, name="post-feedback"),
    path(
        "p/<int:pk>/feedback-wanted/",
        views.post_feedback_wanted,
        name="post-feedback-wanted",
    ),
    path("p/<int:pk>/review/", views.post_review, name="post-review"),
    path(
        "portfolio/<int:pk>/feedback/",
        views.showcase_feedback,
        name="showcase-feedback",
    ),
    path(
        "portfolio/<int:pk>/feedback-wanted/",
        views.showcase_feedback_wanted,
        name="showcase-feedback-wanted",
    ),
    path("portfolio/<int:pk>/review/", views.showcase_review, name="showcase-review"),
    path("c/<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path(
        "c/<slug:slug>/leaderboard/me/",
        views.leaderboard_visibility,
        name="leaderboard-visibility",
    ),
    path("c/<slug:slug>/points/", views.point_rules, name="point-rules"),
    path("c/<slug:slug>/kudos/", views.kudos, name="kudos"),
    path(
        "c/<slug:slug>/feedback-wanted/", views.feedback_wanted, name="feedback-wanted"
    ),
    path("c/<slug:slug>/rubric/", views.rubric, name="rubric"),
    path(
        "c/<slug:slug>/rubric/<int:criterion_id>/remove/",
        views.rubric_remove,
        name="rubric-remove",
    ),
    path("c/<slug:slug>/badges/", views.community_badges, name="community-badges"),
    path(
        "c/<slug:slug>/badges/<str:badge_uid>/award/",
        views.badge_award,
        name="badge-award",
    ),
    path(
        "c/<slug:slug>/awards/<str:award_uid>/revoke/",
        views.award_revoke,
        name="award-revoke",
    ),
    path("c/<slug:slug>/certificates/", views.certificates, name="certificates"),
    path(
        "c/<slug:slug>/certificates/batches/<int:batch_id>/",
        views.certificate_batch,
        name="certificate-batch",
    ),
    path(
        "c/<slug:slug>/certificates/<str:certificate_uid>/revoke/",
        views.certificate_revoke,
        name="certificate-revoke",
    ),
    # Public: Open Badges documents and pages to share.
    path("badges/issuer.json", views.ob_issuer, name="ob-issuer"),
    path("badges/revocations.json", views.ob_revocations, name="ob-revocations"),
    path("badges/key.json", views.public_key, name="public-key"),
    path("badges/<str:badge_uid>/", views.badge_detail, name="badge-detail"),
    path(
        "badges/<str:badge_uid>/class.json", views.ob_badge_class, name="ob-badge-class"
    ),
    path("badges/<str:badge_uid>/image.png", views.badge_image, name="badge-image"),
    path("awards/<str:award_uid>/", views.award_detail, name="award-detail"),
    path(
        "awards/<str:award_uid>/assertion.json", views.ob_assertion, name="ob-assertion"
    ),
    path(
        "awards/<str:award_uid>/credential.json",
        views.ob_credential,
        name="ob-credential",
    ),
    path("awards/<str:award_uid>/status.json", views.ob_status, name="ob-status"),
    path(
        "certificates/<str:certificate_uid>/",
        views.certificate_verify,
        name="certificate-verify",
    ),
    path(
        "certificates/<str:certificate_uid>/certificate.pdf",
        views.certificate_pdf_view,
        name="certificate-pdf",
    ),
    path(
        "certificates/<str:certificate_uid>/qr.png",
        views.certificate_qr,
        name="certificate-qr",
    ),
    path("share/mastodon/", views.share_mastodon, name="share-mastodon"),
]
