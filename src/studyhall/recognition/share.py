"""Share links and social meta for public pages: plain links, no third-party scripts.

Other apps' public pages (an opt-in public profile, say) reuse these: build a
`ShareCard` and include "recognition/share_meta.html" in the page's head block
and "recognition/share_links.html" in its body, with `card` in the context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import reverse


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
