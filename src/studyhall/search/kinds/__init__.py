"""The document kinds the search indexes, one module per app they come from.

Importing this package registers them all (SearchConfig.ready does).
"""

from studyhall.search.kinds.discussions import REPLY, THREAD, plain_text

__all__ = ["REPLY", "THREAD", "plain_text"]
