"""The thread page with 20 replies stays small for readers on slow connections."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from studyhall.communities.models import Community
from tests.discussions.helpers import answer, ask
from tests.factories import make_member

pytestmark = pytest.mark.django_db

BODY = """Try solving instead of inverting:

```python
import numpy as np
x = np.linalg.solve(A, b)  # faster and more stable than inv(A) @ b
```

Since $A x = b$, the solution is $$x = A^{-1} b$$ but computing $A^{-1}$
costs more. See [the docs](https://numpy.org/doc/stable/) for details.

> Is it always better?

Almost always, unless you need the inverse itself.
"""


def test_thread_page_with_20_replies_is_under_30_kb_compressed(
    client, community, student
):
    community.visibility = Community.Visibility.PUBLIC
    community.save()
    thread = ask(student, community, title="Why not use inv()?", body=BODY)
    people = [make_member(community, "student") for _ in range(4)]
    for i in range(19):
        answer(people[i % 4], thread, body=BODY)
    client.force_login(people[0])

    html = client.get(reverse("discussions:thread-detail", args=[thread.pk])).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html, 6))
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read(), 6))

    assert html.count(b'<article class="post') == 20
    assert assets
    assert total < 30 * 1024, f"{total} bytes"
