"""Writes for recognition, split by sub-domain and re-exported here."""

from studyhall.recognition.services.badges import (
    award_badge,
    builtin_badges,
    check_automatic_badges,
    define_badge,
    grant_badge,
    revoke_badge,
)
from studyhall.recognition.services.certificates import (
    issue_certificate,
    request_certificates,
    revoke_certificate,
    run_batch,
)
from studyhall.recognition.services.feedback import (
    add_criterion,
    close_feedback_request,
    give_feedback,
    give_kudos,
    remove_criterion,
    request_feedback,
    respond_to_request,
)
from studyhall.recognition.services.points import (
    award_points,
    reverse_for_post,
    reverse_for_thread,
    reverse_points,
    rules_for,
    set_leaderboard_options,
    set_leaderboard_visibility,
    set_point_rules,
    set_weekly_goal,
    settings_for,
)

__all__ = [
    "add_criterion",
    "award_badge",
    "award_points",
    "builtin_badges",
    "check_automatic_badges",
    "close_feedback_request",
    "define_badge",
    "give_feedback",
    "give_kudos",
    "grant_badge",
    "issue_certificate",
    "remove_criterion",
    "request_certificates",
    "request_feedback",
    "respond_to_request",
    "reverse_for_post",
    "reverse_for_thread",
    "reverse_points",
    "revoke_badge",
    "revoke_certificate",
    "rules_for",
    "run_batch",
    "set_leaderboard_options",
    "set_leaderboard_visibility",
    "set_point_rules",
    "set_weekly_goal",
    "settings_for",
]
