"""Time the parts of the thread page, and ways of rendering its posts, in-process.

Seeds a fresh SQLite database in a temporary directory (one public question
with replies, reactions, an accepted answer, endorsements and anonymous
replies, all written through the services), captures the context that
discussions.views.thread_detail renders for page 1, and times:

  (a) the whole view through Django's WSGI handler (middleware, queries and
      rendering), with the fragment cache warm and cold;
  (a) selectors.thread_page alone, and building the page's cards alone
      (fragments.Surroundings.of + fragments.card_for per post);
  (a) the post list rendered from the cards through Django templates, no
      cache (fragments.render_card per card);
  (b) the same post list through a Jinja2 port of discussions/post.html;
  (c) fragments.render_posts, with a warm cache and with a cold one.

for an anonymous visitor and for a logged-in student. Prints milliseconds per
call, the speed-up against the uncached Django post list and the share of the
whole view each part takes; checks that every post list, and the page the view
serves, hold the same HTML. Prints figures; never passes or fails.

    .venv/bin/python bench/template_engines.py [--replies 40] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gzip
import io
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from unittest import mock

import thread_page

# discussions/post.html ported line for line; `url`, `date` and `capfirst` are
# the Django functions of the same names, registered on the environment.
JINJA_POST = """\
{# Rendered from a PostCard `c` alone; read nothing else. #}
<article class="post{% if c.is_accepted %} accepted{% endif %}{% if c.is_unread %} unread{% endif %}\
{% if c.is_deleted %} deleted{% endif %}" id="post-{{ c.number }}" aria-labelledby="post-{{ c.number }}-h">
<header>
  <h{{ c.level }} id="post-{{ c.number }}-h">{{ c.heading }} by {% if c.author_url %}\
<a href="{{ c.author_url }}">{{ c.author_name }}</a>{% else %}{{ c.author_name }}{% endif %}</h{{ c.level }}>
  {% if c.author_role %}<span class="badge role">{{ c.author_role|capfirst }}</span>{% endif %}
  {% if c.is_accepted %}<span class="badge ok">Accepted answer</span>{% endif %}
  {% if c.endorsed_by %}<span class="badge ok">Endorsed by {{ c.endorsed_by }}</span>{% endif %}
  {% if c.is_unread %}<span class="badge">New</span>{% endif %}
  <span class="meta"><a href="#post-{{ c.number }}"><time datetime="{{ c.created_at|date('c') }}">\
{{ c.created_at|date("j M Y, H:i") }}</time></a>{% if c.edited %} · \
<a href="{{ url('discussions:post-history', c.id) }}">edited</a>{% endif %}</span>
  {% if c.reply_to_number %}<p class="meta">In reply to \
<a href="{{ url('discussions:thread-jump', c.thread_id, c.reply_to_number) }}">\
{{ c.reply_to_label }} by {{ c.reply_to_author }}</a></p>{% endif %}
</header>
<div class="body">{% if c.is_deleted %}<p>This post was deleted.</p>{% else %}{{ c.body_html|safe }}{% endif %}</div>
{% if not c.is_deleted %}<footer class="row">
  {% if c.can_react %}{% set react_url = url('discussions:post-react', c.id) %}{% endif %}\
{% for r in c.reactions %}{% if c.can_react %}<form method="post" action="{{ react_url }}">\
<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">\
<input type="hidden" name="kind" value="{{ r.kind }}"><button type="submit" class="secondary" \
aria-pressed="{% if r.is_mine %}true{% else %}false{% endif %}">{{ r.label }}\
{% if r.count %} <span>{{ r.count }}</span>{% endif %}</button></form>\
{% elif r.count %}<span class="badge">{{ r.label }} {{ r.count }}</span>{% endif %}{% endfor %}
  {% if c.can_reply %}<a href="?reply_to={{ c.id }}&amp;page={{ c.page_number }}#composer">Reply\
<span class="visually-hidden"> to post {{ c.number }}</span></a> \
<a href="?quote={{ c.id }}&amp;page={{ c.page_number }}#composer">Quote\
<span class="visually-hidden"> post {{ c.number }}</span></a>{% endif %}
  {% if c.can_accept and not c.is_accepted %}<form method="post" \
action="{{ url('discussions:post-accept', c.id) }}">\
<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">\
<button type="submit">Accept this answer</button></form>\
{% elif c.can_accept and c.is_accepted %}<form method="post" \
action="{{ url('discussions:thread-unaccept', c.thread_id) }}">\
<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">\
<button type="submit" class="secondary">Unaccept</button></form>{% endif %}
  {% if c.can_endorse %}<form method="post" action="{{ url('discussions:post-endorse', c.id) }}">\
<input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">\
<input type="hidden" name="endorse" value="{% if c.endorsed_by %}0{% else %}1{% endif %}">\
<button type="submit" class="secondary">{% if c.endorsed_by %}Withdraw endorsement\
{% else %}Endorse{% endif %}</button></form>{% endif %}
  {% if c.can_edit %}<a href="{{ url('discussions:post-edit', c.id) }}">Edit\
<span class="visually-hidden"> post {{ c.number }}</span></a>{% endif %}
  {% if c.can_delete %}<a href="{{ url('discussions:post-delete', c.id) }}">Delete\
<span class="visually-hidden"> post {{ c.number }}</span></a>{% endif %}
</footer>{% endif %}
</article>
"""

# What a browser sends: the page comes back compressed by GZipMiddleware.
ACCEPT_ENCODING = "gzip, deflate, br"


# --- setting up -------------------------------------------------------------------


def seed(replies: int) -> tuple[int, Any]:
    """Write one question with replies; return its id and a student who reads it."""
    community, _owner, members = thread_page.seed_people()
    thread = thread_page.seed_big_thread(community, members, replies)
    return thread.pk, members[thread_page.READER]


@dataclass
class Served:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes

    def text(self) -> str:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.body).decode()
        return self.body.decode()


class Browser:
    """GET pages through Django's WSGI handler, as one browser with its cookies.

    The handler runs every middleware, sends request_started and
    request_finished (so persistent database connections are checked and kept,
    as on the server's threads) and compresses the page as a browser asks.
    """

    def __init__(self, handler: Any, cookies: dict[str, str] | None = None) -> None:
        self.handler = handler
        self.cookies = dict(cookies or {})

    def get(self, path: str) -> Served:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": "text/html",
            "HTTP_ACCEPT_ENCODING": ACCEPT_ENCODING,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(
                f"{k}={v}" for k, v in self.cookies.items()
            )
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
            started.append((status, headers))

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()  # request_finished
        status, header_list = started[0]
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        for name, value in header_list:
            if name.lower() == "set-cookie":
                cookies.update({k: m.value for k, m in SimpleCookie(value).items()})
            else:
                headers[name.lower()] = value
        return Served(int(status.split()[0]), headers, cookies, body)


@dataclass
class Captured:
    request: Any  # the view's request: its CSRF token is the browser's
    context: dict[str, Any]  # what thread_detail gave to render()


def capture_view(browser: Browser, path: str) -> Captured:
    """Serve the page once more and keep the request and context the view renders."""
    from django.shortcuts import render as real_render

    from studyhall.discussions import views

    seen: list[Captured] = []

    def capture(request: Any, template_name: str, context: dict[str, Any], **kw: Any):
        seen.append(Captured(request, dict(context)))
        return real_render(request, template_name, context, **kw)

    with mock.patch.object(views, "render", side_effect=capture):
        served = browser.get(path)
    assert served.status == 200, served.status
    assert len(seen) == 1, len(seen)
    return seen[0]


def jinja_engine() -> Any:
    """Return a Jinja2 engine as Django would configure it, with the port of post.html."""
    import jinja2
    from django.template.backends.jinja2 import Jinja2
    from django.template.defaultfilters import capfirst, date
    from django.utils import timezone

    engine = Jinja2(
        {
            "NAME": "bench-jinja2",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                "loader": jinja2.DictLoader({"post.html": JINJA_POST}),
                "keep_trailing_newline": True,
            },
        }
    )

    def url(name: str, *args: Any) -> str:
        import django.urls

        return django.urls.reverse(name, args=args)

    def local_date(value: Any, format: str) -> str:
        # Django's engine gives its `date` filter the value in local time.
        return date(timezone.localtime(value), format)

    engine.env.globals["url"] = url
    engine.env.filters["date"] = local_date
    engine.env.filters["capfirst"] = capfirst
    return engine


# --- timing ------------------------------------------------------------------------------


def time_call(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the best and median milliseconds per call over `repeat` timed runs."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()  # at least 0.2 s per run
    runs = [t / number * 1000 for t in timer.repeat(repeat=repeat, number=number)]
    return min(runs), statistics.median(runs)


def count_reverse(render: Callable[[], Any]) -> int:
    """Count the reverse() calls one render makes."""
    import django.urls

    from studyhall.discussions import fragments

    calls = 0
    real = django.urls.reverse

    def counting(*args: Any, **kwargs: Any) -> str:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    # {% url %} and the Jinja2 `url` look reverse up in django.urls on each call;
    # fragments imported it by name.
    with (
        mock.patch.object(django.urls, "reverse", counting),
        mock.patch.object(fragments, "reverse", counting),
    ):
        render()
    return calls


TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')
TOKEN_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def normalise(html: str) -> str:
    """Collapse whitespace, blank out CSRF tokens (masked afresh on every call) and
    spell the escapes the two engines write differently the same way."""
    html = html.replace("&#x27;", "&#39;").replace("&#34;", "&quot;")
    return " ".join(TOKEN.sub(r'\1CSRF"', html).split())


def post_list(fragments: list[str]) -> str:
    """The post list as thread_detail.html writes it around the fragments."""
    return "".join(f"<li>{html}</li>\n" for html in fragments)


# --- one viewer ----------------------------------------------------------------------------


WHOLE = "(a) whole view, WSGI handler, cache warm"
WHOLE_COLD = "(a) whole view, WSGI handler, cache cold"
DJANGO_LIST = "(a) post list, Django, render_card per card"
VARIANT_ORDER = [
    WHOLE,
    WHOLE_COLD,
    "(a) selectors.thread_page",
    "(a) cards: Surroundings.of + card_for x 20",
    "(a) card keys: PostCard.key x 20",
    DJANGO_LIST,
    "(b) post list, Jinja2 port of post.html",
    "(c) render_posts, cache warm",
    "(c) render_posts, cache cold",
]
POST_LISTS = VARIANT_ORDER[5:]
# The share of the whole view a part takes: parts that a view with a warm cache
# runs are set against the warm view; rendering posts against the cold one.
SHARE_OF = {
    **dict.fromkeys(VARIANT_ORDER[2:5], WHOLE),
    **dict.fromkeys(POST_LISTS, WHOLE_COLD),
    "(c) render_posts, cache warm": WHOLE,
}


def bench_viewer(
    label: str, handler: Any, thread_id: int, user: Any, repeat: int
) -> dict[str, tuple[float, float]]:
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token

    from studyhall import policy
    from studyhall.discussions import fragments, selectors

    path = f"/t/{thread_id}/"
    cookies = {}
    if user is not None:
        cookies["sessionid"] = thread_page.member_session(user)
    browser = Browser(handler, cookies)
    first = browser.get(path)
    assert first.status == 200, (first.status, first.text()[:500])
    # Keep the CSRF cookie as a browser would; the student's first view also
    # marks page 1 read, so every later view (and the capture) sees it read.
    browser.cookies.update(first.cookies)
    captured = capture_view(browser, path)
    request, context = captured.request, captured.context
    thread, view, page = context["thread"], context["view"], context["page"]
    items = page.items
    reader = AnonymousUser() if user is None else user
    token = get_token(request)

    def surroundings() -> Any:
        return fragments.Surroundings.of(
            thread, page_number=page.number, can_reply=view.can_reply
        )

    def build_cards() -> list[Any]:
        around = surroundings()
        return [fragments.card_for(pv, around) for pv in items]

    cards = build_cards()
    jinja_post = jinja_engine().get_template("post.html")

    def whole_view() -> Served:
        return browser.get(path)

    def whole_view_cold() -> Served:
        cache.clear()
        return browser.get(path)

    def page_alone() -> Any:
        policy.forget(reader)  # a request loads the person's roles afresh
        return selectors.thread_page(reader, thread, page=1)

    def django_list() -> list[str]:
        return [
            fragments.render_card(card).replace(fragments.CSRF_PLACEHOLDER, token)
            for card in cards
        ]

    def jinja_list() -> list[str]:
        return [jinja_post.render({"c": card, "csrf": token}) for card in cards]

    def render_posts() -> list[str]:
        return fragments.render_posts(
            request, items, thread, page_number=page.number, can_reply=view.can_reply
        )

    def render_posts_cold() -> list[str]:
        cache.clear()
        return render_posts()

    variants: dict[str, Callable[[], Any]] = dict(
        zip(
            VARIANT_ORDER,
            [
                whole_view,
                whole_view_cold,
                page_alone,
                build_cards,
                lambda: [card.key() for card in cards],
                django_list,
                jinja_list,
                render_posts,
                render_posts_cold,
            ],
            strict=True,
        )
    )

    # Same HTML: every post list against the uncached Django one, and the page
    # the view serves (warm and cold) must contain that list.
    reference = normalise(post_list(django_list()))
    outputs = {
        "b": jinja_list(),
        "c warm": render_posts(),
        "c cold": render_posts_cold(),
        "captured": list(context["posts_html"]),
    }
    same = {
        name: normalise(post_list(html)) == reference
        and not any(fragments.CSRF_PLACEHOLDER in f for f in html)
        for name, html in outputs.items()
    }
    cold_page = whole_view_cold()
    warm_page = whole_view()
    same["page warm"] = reference in normalise(warm_page.text())
    same["page cold"] = reference in normalise(cold_page.text())
    if fragments.CSRF_PLACEHOLDER in warm_page.text() + cold_page.text():
        same["page warm"] = same["page cold"] = False
    if user is not None:
        # The student's forms carry a masked token in render_posts' output and
        # in the served page, never the placeholder or an empty value.
        values = TOKEN_VALUE.findall("".join(outputs["c warm"]) + warm_page.text())
        same["tokens"] = bool(values) and all(
            len(v) == CSRF_TOKEN_LENGTH and v.isalnum() for v in values
        )

    list_bytes = len(post_list(django_list()).encode())
    body_bytes = sum(len(card.body_html.encode()) for card in cards)
    page_bytes = len(warm_page.text().encode())
    print(
        f"\n{label}: {len(items)} posts; body_html {body_bytes:,} B, post list "
        f"{list_bytes:,} B, page {page_bytes:,} B "
        f"({len(warm_page.body):,} B as served, "
        f"{warm_page.headers.get('content-encoding', 'not compressed')})"
    )
    results = {name: time_call(fn, repeat) for name, fn in variants.items()}
    cache.clear()  # leave nothing behind for the next viewer
    base = results[DJANGO_LIST][0]
    print(
        f"  {'variant':<46} {'best ms':>8} {'median ms':>10} {'vs (a) list':>12} "
        f"{'share of view':>16}"
    )
    for name, (best, median) in results.items():
        speed = f"{base / best:.2f}x" if name in POST_LISTS else ""
        share = ""
        if name in SHARE_OF:
            whole = SHARE_OF[name]
            state = "warm" if whole == WHOLE else "cold"
            share = f"{best / results[whole][0]:.0%} of {state}"
        print(f"  {name:<46} {best:>8.2f} {median:>10.2f} {speed:>12} {share:>16}")
    warm = results[WHOLE][0]
    rest = (
        warm
        - results["(a) selectors.thread_page"][0]
        - results["(c) render_posts, cache warm"][0]
    )
    print(
        f"  rest of the warm view (middleware, visible_thread, mark_read, page template, "
        f"gzip): {rest:.2f} ms, {rest / warm:.0%}"
    )
    django_calls = count_reverse(django_list)
    jinja_calls = count_reverse(jinja_list)
    card_calls = count_reverse(build_cards)
    print(
        f"  reverse() calls: {django_calls} per Django post list, {jinja_calls} per "
        f"Jinja2 post list, {card_calls} per card building"
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
        (tmp / "var" / "static").mkdir()  # WhiteNoise serves from here
        thread_page.setup_django()
        import django
        import jinja2
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
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
        handler = WSGIHandler()
        print(
            "best = fastest of the timed runs (least disturbed by other work); "
            "cache = the configured default (in-process LocMemCache here; Redis "
            "adds a round trip per page); cold = cache cleared before each call; "
            f"the whole view sends Accept-Encoding: {ACCEPT_ENCODING}"
        )
        bench_viewer("anonymous visitor", handler, thread_id, None, args.repeat)
        bench_viewer("logged-in student", handler, thread_id, student, args.repeat)
        print(f"\nload average after: {thread_page.load_average()}")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
