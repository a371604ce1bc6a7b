"""The demo's communities and their categories: a Masters programme and three
of its courses, set up so every visibility, joining and anonymity mode shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from studyhall.communities.models import Community
from studyhall.discussions.models import Category

PROGRAMME_SLUG = "msc-data-science"

PROGRAMME = 0
STATISTICAL_LEARNING = 1
ML_SYSTEMS = 2
RESEARCH_METHODS = 3


@dataclass(frozen=True)
class CategorySpec:
    name: str
    slug: str
    description: str
    anonymity: str = Category.Anonymity.INHERIT


@dataclass(frozen=True)
class CommunitySpec:
    name: str
    slug: str
    description: str
    kind: str
    visibility: str
    joining: str
    anonymity: str
    categories: tuple[CategorySpec, ...]
    # Share of the demo's threads that land here.
    thread_share: float
    # Share of the programme's students enrolled (the programme takes everyone).
    student_share: float

    def category(self, slug: str) -> int:
        """Return the index of the category with this slug."""
        return next(i for i, c in enumerate(self.categories) if c.slug == slug)


_ANNOUNCEMENTS = CategorySpec(
    "Announcements", "announcements", "News from the teaching team."
)

COMMUNITIES: tuple[CommunitySpec, ...] = (
    CommunitySpec(
        name="MSc Data Science",
        slug=PROGRAMME_SLUG,
        description=(
            "The home of the MSc Data Science cohort: programme news, the "
            "dissertation, careers and everything that is not one course. "
            "Ask to join with your university email; the programme office "
            "approves requests within a day."
        ),
        kind=Community.Kind.SOCIAL,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.APPROVAL,
        anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS,
        categories=(
            _ANNOUNCEMENTS,
            CategorySpec(
                "Dissertation",
                "dissertation",
                "Topics, supervisors, proposals and writing up.",
            ),
            CategorySpec(
                "Careers & internships",
                "careers",
                "Placements, interviews, CVs and the alumni network.",
            ),
            CategorySpec(
                "Tools & setup",
                "tools",
                "Laptops, the compute cluster, Git, Python and R environments.",
            ),
            CategorySpec(
                "Cohort life", "cohort-life", "Study groups, socials and wellbeing."
            ),
        ),
        thread_share=0.18,
        student_share=1.0,
    ),
    CommunitySpec(
        name="Statistical Learning",
        slug="statistical-learning",
        description=(
            "Regression, classification, resampling, regularisation, trees and "
            "unsupervised learning: the autumn core module. Open to anyone who "
            "wants to follow along; the problem sets are for enrolled students."
        ),
        kind=Community.Kind.SUPPORT,
        visibility=Community.Visibility.PUBLIC,
        joining=Community.Joining.OPEN,
        anonymity=Community.Anonymity.NAMED,
        categories=(
            _ANNOUNCEMENTS,
            CategorySpec("Lectures", "lectures", "Questions about the week's lecture."),
            CategorySpec(
                "Problem sets", "problem-sets", "Help with the weekly problem sets."
            ),
            CategorySpec(
                "Exam prep",
                "exam-prep",
                "Revision questions; ask anonymously if you prefer.",
                Category.Anonymity.ANONYMOUS_TO_PEERS,
            ),
            CategorySpec("General", "general", "Anything else about the module."),
        ),
        thread_share=0.32,
        student_share=0.8,
    ),
    CommunitySpec(
        name="Machine Learning Systems",
        slug="ml-systems",
        description=(
            "Taking models from a notebook to production: pipelines, serving, "
            "monitoring and cost. Unlisted: share the link with classmates."
        ),
        kind=Community.Kind.SUPPORT,
        visibility=Community.Visibility.UNLISTED,
        joining=Community.Joining.OPEN,
        anonymity=Community.Anonymity.ANONYMOUS_TO_PEERS,
        categories=(
            _ANNOUNCEMENTS,
            CategorySpec("Lectures", "lectures", "Questions about the lectures."),
            CategorySpec("Labs", "labs", "The weekly hands-on labs."),
            CategorySpec(
                "Team project",
                "team-project",
                "Find a team and share progress; posts here carry your name.",
                Category.Anonymity.NAMED,
            ),
            CategorySpec("General", "general", "Everything else."),
        ),
        thread_share=0.28,
        student_share=0.67,
    ),
    CommunitySpec(
        name="Research Methods",
        slug="research-methods",
        description=(
            "Designing studies, measuring well and reporting honestly. Joined "
            "by the invite link from the module handbook."
        ),
        kind=Community.Kind.SUPPORT,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITE,
        anonymity=Community.Anonymity.NAMED,
        categories=(
            _ANNOUNCEMENTS,
            CategorySpec("Seminars", "seminars", "Follow-up on the weekly seminars."),
            CategorySpec(
                "Coursework", "coursework", "The study proposal and the data report."
            ),
            CategorySpec(
                "Ethics & consent",
                "ethics",
                "Ethics applications and consent; ask anonymously if you prefer.",
                Category.Anonymity.ANONYMOUS_TO_PEERS,
            ),
            CategorySpec("General", "general", "Anything else."),
        ),
        thread_share=0.22,
        student_share=0.58,
    ),
)
