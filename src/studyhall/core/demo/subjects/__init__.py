"""Subject matter of each demo community, in the order of `catalogue.COMMUNITIES`."""

from __future__ import annotations

from studyhall.core.demo.content import Subject
from studyhall.core.demo.subjects import (
    ml_systems,
    programme,
    research_methods,
    statistical_learning,
)

SUBJECTS: tuple[Subject, ...] = (
    programme.SUBJECT,
    statistical_learning.SUBJECT,
    ml_systems.SUBJECT,
    research_methods.SUBJECT,
)
