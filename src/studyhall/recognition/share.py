"""Share links and social meta for public pages: plain links, no third-party scripts.

Other apps' public pages reuse these, as the opt-in public profile does: build
a `ShareCard` and include "recognition/share_meta.html" in the page's head
block and "recognition/share_links.html" in its body, `with card=...`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from studyhall import policy
from studyhall.accounts.models import User
from studyhall.profiles.models import Profile


@dataclass(frozen=True)
class ShareCard:
    """What a public page says about itself to link previews and share targets."""

    title: str
    description: str
    url: str
    image: str

    @property
    def linkedin(self) -> str:
        return "https://www.linkedin.com/sharing/share-offsite/?" + urlencode(
            {"url": self.url}
        )

    @property
    def x(self) -> str:
        return "https://x.com/intent/post?" + urlencode(
            {"text": self.title, "url": self.url}
        )

    @property
    def mastodon(self) -> str:
        """Our own redirect: it asks for the reader's server, then sends them there."""
        return (
            reverse("recognition:share-mastodon")
            + "?"
            + urlencode({"text": f"{self.title} {self.url}"})
        )

    @property
    def email(self) -> str:
        return "mailto:?subject={}&body={}".format(
            quote(self.title), quote(f"{self.description}\n\n{self.url}")
        )


def linkedin_add_certification(
    *, name: str, organisation: str, issued: dt.datetime, url: str, cert_id: str
) -> str:
    """Return LinkedIn's "Add to profile" link for a certification."""
    return "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": name,
            "organizationName": organisation,
            "issueYear": issued.year,
            "issueMonth": issued.month,
            "certUrl": url,
            "certId": cert_id,
        }
    )


def profile_card(person: User, profile: Profile) -> ShareCard | None:
    """Return the share card of an opt-in public profile, or None for a private one.

    Link previews are fetched by strangers, so the card shows only what
    anyone may see: the name, and the headline and photo if they are public.
    """
    if not profile.is_public:
        return None
    public = policy.visible_fields(profile, policy.Audience.ANYONE)
    url = settings.SITE_URL + reverse("accounts:profile", args=[person.handle])
    image = static("recognition/badge.png")
    if profile.avatar and "avatar" in public:
        image = reverse("profiles:avatar", args=[person.handle])
    headline = profile.headline if "headline" in public else ""
    return ShareCard(
        title=f"{person.display_name} (@{person.handle})",
        description=headline or f"{person.display_name} on {settings.SITE_NAME}",
        url=url,
        image=settings.SITE_URL + image,
    )
