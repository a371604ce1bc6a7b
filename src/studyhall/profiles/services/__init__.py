"""Writes for profiles, the network, portfolios, mentorship and opportunities.

Every function checks the policy, validates, and writes in one transaction.
"""

from studyhall.profiles.services.distinctions import (
    claim_distinction,
    decide_distinction,
    grant_distinction,
    remove_distinction,
)
from studyhall.profiles.services.mentorship import (
    answer_mentorship,
    expire_mentorship_requests,
    open_mentorship_conversation,
    request_mentorship,
    schedule_meeting,
    update_mentoring,
    withdraw_mentorship,
)
from studyhall.profiles.services.network import (
    answer_connection,
    block_person,
    follow,
    follow_community,
    request_connection,
    unblock_person,
    unfollow,
    unfollow_community,
    withdraw_connection,
)
from studyhall.profiles.services.opportunities import (
    delete_opportunity,
    post_opportunity,
    toggle_bookmark,
)
from studyhall.profiles.services.profile import (
    parse_tags,
    remove_avatar,
    set_avatar,
    update_profile,
)
from studyhall.profiles.services.showcase import add_showcase_item, delete_showcase_item

__all__ = [
    "add_showcase_item",
    "answer_connection",
    "answer_mentorship",
    "block_person",
    "claim_distinction",
    "decide_distinction",
    "delete_opportunity",
    "delete_showcase_item",
    "expire_mentorship_requests",
    "follow",
    "follow_community",
    "grant_distinction",
    "open_mentorship_conversation",
    "parse_tags",
    "post_opportunity",
    "remove_avatar",
    "remove_distinction",
    "request_connection",
    "request_mentorship",
    "schedule_meeting",
    "set_avatar",
    "toggle_bookmark",
    "unblock_person",
    "unfollow",
    "unfollow_community",
    "update_mentoring",
    "update_profile",
    "withdraw_connection",
    "withdraw_mentorship",
]
