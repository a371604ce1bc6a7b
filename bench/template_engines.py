"""Compare ways of rendering the thread page's twenty posts, in-process.

Seeds a fresh SQLite database in a temporary directory (one public question
with replies, reactions, an accepted answer, endorsements and anonymous
replies, all written through the services), captures the context that
discussions.views.thread_detail renders for page 1, and times:

  (a)  Django templates as today: the whole view, the whole page template, and
       the post list alone ({% include "discussions/post.html" %} per post);
  (a') the same post list with post.html's markup inlined in the loop;
  (b)  the same post list in Jinja2 (a line-for-line port of post.html);
  (c)  the post list in Django templates with each post's rendered fragment
       cached, keyed by everything the fragment shows (warm and cold cache).

for an anonymous visitor and for a logged-in student. Prints milliseconds per
render and the speed-up against (a); checks that every variant's output is the
same HTML. Prints figures; never passes or fails.

    .venv/bin/python bench/template_engines.py [--replies 40] [--repeat 7]
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import shutil
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import thread_page

# The list of posts as thread_detail.html writes it.
DJANGO_POST_LIST = (
    '{% for pv in page.items %}<li>{% include "discussions/post.html" %}</li>\n'
    "{% endfor %}"
)

JINJA_POST_LIST = (
    '{% for pv in page.items %}<li>{% include "post.html" %}</li>\n{% endfor %}'
)

# discussions/post.html ported line for line; `url`, `date` and `capfirst` are
# the Django functions of the same names, registered on the environment.
JINJA_POST = """\
{% set p = pv.post %}<article class="post{% if pv.is_accepted %} accepted{% endif %}\
{% if pv.is_unread %} unread{% endif %}{% if p.is_deleted %} deleted{% endif %}" \
id="post-{{ p.number }}" aria-labelledby="post-{{ p.number }}-h">
<header>
  <h{{ level|default(3, true) }} id="post-{{ p.number }}-h">{% if p.number == 1 %}\
Question{% if thread.kind != "question" %} opening the \
{{ thread.get_kind_display()|lower }}{% endif %}{% else %}Reply #{{ p.number - 1 }}\
{% endif %} by {% if pv.author.handle and not pv.author.is_anonymous %}\
<a href="{{ url('accounts:profile', pv.author.handle) }}">{{ pv.author.name }}</a>\
{% else %}{{ pv.author.name }}{% endif %}</h{{ level|default(3, true) }}>
  {% if pv.author.role %}<span class="badge role">{{ pv.author.role|capfirst }}</span>\
{% endif %}
  {% if pv.is_accepted %}<span class="badge ok">Accepted answer</span>{% endif %}
  {% if p.endorsed_at %}<span class="badge ok">Endorsed by \
{{ p.endorsed_by.display_name }}</span>{% endif %}
  {% if pv.is_unread %}<span class="badge">New</span>{% endif %}
  <span class="meta"><a href="#post-{{ p.number }}"><time \
datetime="{{ p.created_at|date('c') }}">{{ p.created_at|date("j M Y, H:i") }}</time>\
</a>{% if p.edited_at %} · <a href="{{ url('discussions:post-history', p.pk) }}">\
edited</a>{% endif %}</span>
  {% if p.reply_to_id and pv.reply_to_author %}<p class="meta">In reply to \
<a href="{{ url('discussions:thread-jump', thread.pk, p.reply_to.number) }}">\
#{{ p.reply_to.number - 1 }} by {{ pv.reply_to_author.name }}</a></p>{% endif %}
</header>
<div class="body">{% if p.is_deleted %}<p>This post was deleted.</p>{% else %}\
{{ p.body_html|safe }}{% endif %}</div>
{% if not p.is_deleted %}<footer class="row">
  {% for r in pv.reactions %}{% if pv.can_react %}<form method="post" \
action="{{ url('discussions:post-react', p.pk) }}">{{ csrf }}\
<input type="hidden" name="kind" value="{{ r.kind }}"><button type="submit" \
class="secondary" aria-pressed="{% if r.is_mine %}true{% else %}false{% endif %}">\
{{ r.label }}{% if r.count %} <span>{{ r.count }}</span>{% endif %}</button></form>\
{% elif r.count %}<span class="badge">{{ r.label }} {{ r.count }}</span>{% endif %}\
{% endfor %}
  {% if view.can_reply %}<a href="?reply_to={{ p.pk }}&amp;page={{ page.number }}\
#composer">Reply<span class="visually-hidden"> to post {{ p.number }}</span></a> \
<a href="?quote={{ p.pk }}&amp;page={{ page.number }}#composer">Quote\
<span class="visually-hidden"> post {{ p.number }}</span></a>{% endif %}
  {% if pv.can_accept and not pv.is_accepted %}<form method="post" \
action="{{ url('discussions:post-accept', p.pk) }}">{{ csrf }}<button type="submit">\
Accept this answer</button></form>{% elif pv.can_accept and pv.is_accepted %}\
<form method="post" action="{{ url('discussions:thread-unaccept', thread.pk) }}">\
{{ csrf }}<button type="submit" class="secondary">Unaccept</button></form>{% endif %}
  {% if pv.can_endorse %}<form method="post" \
action="{{ url('discussions:post-endorse', p.pk) }}">{{ csrf }}<input type="hidden" \
name="endorse" value="{% if p.endorsed_at %}0{% else %}1{% endif %}"><button \
type="submit" class="secondary">{% if p.endorsed_at %}Withdraw endorsement\
{% else %}Endorse{% endif %}</button></form>{% endif %}
  {% if pv.can_edit %}<a href="{{ url('discussions:post-edit', p.pk) }}">Edit\
<span class="visually-hidden"> post {{ p.number }}</span></a>{% endif %}
  {% if pv.can_delete %}<a href="{{ url('discussions:post-delete', p.pk) }}">Delete\
<span class="visually-hidden"> post {{ p.number }}</span></a>{% endif %}
</footer>{% endif %}
</article>
"""

# Rendered fragments hold this in place of the CSRF token, which is secret to
# one browser session and so must never be cached or shared between viewers.
CSRF_PLACEHOLDER = "CSRFxPLACEHOLDERx7f3a9c"
FRAGMENT_TTL = 600


# --- setting up -------------------------------------------------------------------


def seed(replies: int) -> tuple[int, Any]:
    """Write one question with replies; return its id and a student who reads it."""
    community, _owner, members = thread_page.seed_people()
    thread = thread_page.seed_big_thread(community, members, replies)
    return thread.pk, members[thread_page.READER]


def capture_view(user: Any, thread_id: int) -> tuple[Any, dict[str, Any], Any]:
    """Run thread_detail once; return its request, template context and a re-run."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.shortcuts import render as real_render
    from django.test import RequestFactory

    from studyhall import policy
    from studyhall.discussions import views

    factory = RequestFactory()

    def make_request() -> Any:
        request = factory.get(f"/t/{thread_id}/")
        if user is None:
            request.user = AnonymousUser()
        else:
            policy.forget(user)  # a request loads the person's roles afresh
            request.user = user
        request.session = SessionStore()
        return request

    captured: dict[str, Any] = {}

    def capture(request: Any, template_name: str, context: dict[str, Any], **kw: Any):
        captured.update(context)
        return real_render(request, template_name, context, **kw)

    request = make_request()
    with mock.patch.object(views, "render", side_effect=capture):
        response = views.thread_detail(request, thread_id)
    assert response.status_code == 200, response.status_code

    def whole_view() -> Any:
        return views.thread_detail(make_request(), thread_id)

    return request, captured, whole_view


def jinja_engine() -> Any:
    """Return a Jinja2 engine as Django would configure it, with our two templates."""
    import jinja2
    from django.template.backends.jinja2 import Jinja2
    from django.urls import reverse
    from django.utils import dateformat, timezone
    from django.utils.text import capfirst

    engine = Jinja2(
        {
            "NAME": "bench-jinja2",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                "loader": jinja2.DictLoader(
                    {"post_list.html": JINJA_POST_LIST, "post.html": JINJA_POST}
                ),
                "keep_trailing_newline": True,
            },
        }
    )

    def url(name: str, *args: Any) -> str:
        return reverse(name, args=args)

    def date(value: Any, format: str) -> str:
        return dateformat.format(timezone.localtime(value), format)

    engine.env.globals["url"] = url
    engine.env.filters["date"] = date
    engine.env.filters["capfirst"] = capfirst
    return engine


def csrf_field(token: str) -> Any:
    from django.utils.html import format_html

    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )


# --- (c) cached fragments ---------------------------------------------------------


def fragment_key(pv: Any, context: dict[str, Any]) -> str:
    """Return a cache key made of everything post.html reads for one post.

    Keying on the inputs needs no invalidation: an edit, a reaction, an
    endorsement or a renamed author gives a new key, and stale entries expire.
    Viewer-dependent inputs: the author's name for anonymous posts (staff and
    the author see it), is_unread, is_mine on reactions, and the can_* flags
    that choose the buttons. The CSRF token is never part of a fragment.
    """
    p = pv.post
    a = pv.author
    parts = (
        p.pk,
        p.number,
        p.edited_at,
        p.is_deleted,
        p.endorsed_at,
        p.endorsed_by.display_name if p.endorsed_at else None,
        p.created_at,
        (a.name, a.handle, a.is_anonymous, a.role),
        (p.reply_to.number, pv.reply_to_author.name) if pv.reply_to_author else None,
        tuple((r.kind, r.count, r.is_mine) for r in pv.reactions),
        pv.is_accepted,
        pv.is_unread,
        pv.can_react,
        pv.can_accept,
        pv.can_endorse,
        pv.can_edit,
        pv.can_delete,
        context["view"].can_reply,
        context["page"].number,
        context["thread"].kind,
        context.get("level"),
    )
    return "post-fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached_post_list(
    post_template: Any, list_template: Any, context: dict[str, Any], token: str
) -> str:
    """Render the post list from cached fragments, rendering and storing misses."""
    from django.core.cache import cache
    from django.utils.safestring import mark_safe

    items = context["page"].items
    keys = [fragment_key(pv, context) for pv in items]
    found = cache.get_many(keys)
    missing = {}
    for key, pv in zip(keys, items, strict=True):
        if key not in found:
            html = post_template.render({**context, "pv": pv})
            found[key] = missing[key] = html
    if missing:
        cache.set_many(missing, FRAGMENT_TTL)
    fragments = [mark_safe(found[key].replace(CSRF_PLACEHOLDER, token)) for key in keys]
    return list_template.render({"fragments": fragments})


# --- timing ------------------------------------------------------------------------------


def time_call(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the best and median milliseconds per call over `repeat` timed runs."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()  # at least 0.2 s per run
    runs = [t / number * 1000 for t in timer.repeat(repeat=repeat, number=number)]
    return min(runs), statistics.median(runs)


def url_cost(render: Callable[[], Any]) -> tuple[int, float]:
    """Count the reverse() calls of one render and time one such call in us."""
    import django.urls
    from django.urls import reverse

    calls = 0

    def counting(*args: Any, **kwargs: Any) -> str:
        nonlocal calls
        calls += 1
        return reverse(*args, **kwargs)

    # {% url %} imports reverse from django.urls each time it renders.
    with mock.patch.object(django.urls, "reverse", counting):
        render()
    best, _ = time_call(lambda: reverse("discussions:post-react", args=[12345]), 5)
    return calls, best * 1000


def normalise(html: str) -> str:
    """Collapse whitespace and the one escape the two engines spell differently."""
    return " ".join(html.replace("&#x27;", "&#39;").split())


def bench_viewer(
    label: str, user: Any, thread_id: int, repeat: int
) -> list[tuple[str, float, float]]:
    from django.core.cache import cache
    from django.middleware.csrf import get_token
    from django.template import engines
    from django.template.loader import get_template

    request, context, whole_view = capture_view(user, thread_id)
    token = get_token(request)
    django_engine = engines["django"]
    page_template = get_template("discussions/thread_detail.html")
    post_list = django_engine.from_string(DJANGO_POST_LIST)
    post_source = Path(get_template("discussions/post.html").origin.name).read_text()
    inlined = django_engine.from_string(
        "{% for pv in page.items %}<li>" + post_source + "</li>\n{% endfor %}"
    )
    single_post = django_engine.from_string(post_source)
    fragment_list = django_engine.from_string(
        "{% for html in fragments %}<li>{{ html }}</li>\n{% endfor %}"
    )
    jinja_list = jinja_engine().get_template("post_list.html")
    list_context = {**context, "csrf_token": token}
    jinja_context = {**context, "csrf": csrf_field(token)}
    fragment_context = {**context, "csrf_token": CSRF_PLACEHOLDER}

    def cached() -> str:
        return cached_post_list(single_post, fragment_list, fragment_context, token)

    def cold() -> str:
        cache.clear()
        return cached()

    variants: dict[str, Callable[[], Any]] = {
        "(a) whole view, thread_detail + RequestFactory": whole_view,
        "(a) whole page template, thread_detail.html": lambda: page_template.render(
            context, request
        ),
        "(a) post list, Django, include per post": lambda: post_list.render(
            list_context
        ),
        "(a') post list, Django, post.html inlined": lambda: inlined.render(
            list_context
        ),
        "(b) post list, Jinja2": lambda: jinja_list.render(jinja_context),
        "(c) post list, Django, cached fragments, warm": cached,
        "(c) post list, Django, cached fragments, cold": cold,
    }
    reference = normalise(post_list.render(list_context))
    same = {
        "a'": normalise(inlined.render(list_context)) == reference,
        "b": normalise(jinja_list.render(jinja_context)) == reference,
        "c": normalise(cold()) == reference and normalise(cached()) == reference,
    }
    items = context["page"].items
    body_bytes = sum(len(pv.post.body_html.encode()) for pv in items)
    print(
        f"\n{label}: {len(items)} posts, body_html {body_bytes:,} bytes, "
        f"post list HTML {len(post_list.render(list_context).encode()):,} bytes"
    )
    results = []
    for name, fn in variants.items():
        best, median = time_call(fn, repeat)
        results.append((name, best, median))
    calls, each_us = url_cost(lambda: post_list.render(list_context))
    base = next(r for r in results if "include per post" in r[0])[1]
    print(f"  {'variant':<48} {'best ms':>8} {'median ms':>10} {'vs (a) list':>12}")
    for name, best, median in results:
        print(f"  {name:<48} {best:>8.2f} {median:>10.2f} {base / best:>11.2f}x")
    print(
        f"  {{% url %}} in the post list: {calls} reverse() calls x {each_us:.1f} us "
        f"= {calls * each_us / 1000:.2f} ms (the Jinja2 port makes the same calls)"
    )
    print(
        "  same HTML as (a) post list: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items())
    )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per variant")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="studyhall-bench-"))
    try:
        thread_page.configure_environment(tmp)
        thread_page.setup_django()
        import django
        import jinja2
        from django.conf import settings
        from django.test.utils import override_settings

        # {% static %} without a collected manifest: collecting and compressing
        # every static file takes half a minute, and the lookup costs the same.
        storages = {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
        override_settings(STORAGES=storages).enable()

        print(f"studyhall template engines bench, {time.strftime('%Y-%m-%d %H:%M')}")
        print(
            f"machine: {thread_page.describe_machine()}; Django {django.__version__}, "
            f"Jinja2 {jinja2.__version__}; DEBUG=0 (cached template loader); "
            f"{platform.python_implementation()}"
        )
        print(f"load average before: {thread_page.load_average()}")
        thread_id, student = seed(args.replies)
        print(
            "best = fastest of the timed runs (least disturbed by other work); "
            "the cache is the configured default (in-process LocMemCache here; "
            "Redis adds a round trip per page in production)"
        )
        bench_viewer("anonymous visitor", None, thread_id, args.repeat)
        bench_viewer("logged-in student", student, thread_id, args.repeat)
        print(f"\nload average after: {thread_page.load_average()}")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
