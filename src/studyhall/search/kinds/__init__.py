# ruff: noqa: I001 - registration order is the order of the kind filter
"""The document kinds the search indexes, one module per app they come from.

Importing this package registers them all (SearchConfig.ready does), in the
order the kind filter lists them.
"""

from studyhall.search.kinds.discussions import REPLY, THREAD, plain_text
from studyhall.search.kinds.chat import MESSAGE
from studyhall.search.kinds.groups import GROUP
from studyhall.search.kinds.library import RESOURCE
from studyhall.search.kinds.people import OPPORTUNITY, PERSON

__all__ = [
    "GROUP",
    "MESSAGE",
    "OPPORTUNITY",
    "PERSON",
    "REPLY",
    "RESOURCE",
    "THREAD",
    "plain_text",
]
