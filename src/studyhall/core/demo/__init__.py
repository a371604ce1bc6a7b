"""The demo: a Masters programme with three courses, sixty people and a term of
discussion, for trying studyhall out and for pages with realistic data.

`plan.build_plan` decides everything in memory from a fixed seed and fixed
dates; `load.load_plan` writes it. The `seed_demo` and `demo_logins` commands
are the ways in; `cast.py` is the one list of who plays which role.
"""

from __future__ import annotations

from studyhall.communities.models import Community
from studyhall.core.demo.catalogue import PROGRAMME_SLUG


def is_loaded() -> bool:
    """Return whether the demo's programme community exists."""
    return Community.objects.filter(slug=PROGRAMME_SLUG).exists()
