"""Tests for the one Markdown renderer used by posts, chat messages and bios."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from studyhall.core.markdown import (
    extract_mentions,
    render_inline_preview,
    render_markdown,
)

REL = 'rel="nofollow ugc noopener"'


class _Markup(HTMLParser):
    """Collect the tags, attributes and comments of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.start_tags: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.start_tags.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def _profile_url(handle: str) -> str | None:
    return f"/members/{handle}/" if handle in {"ana", "ben"} else None


# --- CommonMark basics --------------------------------------------------------


def test_emphasis_and_strong_render_as_inline_elements() -> None:
    html = render_markdown("Some *soft* and **strong** words.")

    assert html == "<p>Some <em>soft</em> and <strong>strong</strong> words.</p>\n"


def test_lists_quotes_rules_and_breaks_render() -> None:
    source = "- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n---\n\nline  \nbreak"

    html = render_markdown(source)

    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>' in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<hr>" in html
    assert "line<br>\nbreak" in html


def test_links_keep_http_mailto_and_relative_targets_with_rel() -> None:
    source = (
        '[site](https://example.org "Title") [mail](mailto:a@example.org) '
        "[page](/about) <https://example.com>"
    )

    html = render_markdown(source)

    assert f'<a href="https://example.org" title="Title" {REL}>site</a>' in html
    assert f'<a href="mailto:a@example.org" {REL}>mail</a>' in html
    assert f'<a href="/about" {REL}>page</a>' in html
    assert f'<a href="https://example.com" {REL}>https://example.com</a>' in html


def test_links_with_other_schemes_stay_as_text() -> None:
    html = render_markdown("[file](ftp://example.org/x) [local](localhost:8000/x)")

    assert "<a" not in html
    assert "[file](ftp://example.org/x)" in html


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown("<b>bold</b> <!-- note -->")

    assert html == "<p>&lt;b&gt;bold&lt;/b&gt; &lt;!-- note --&gt;</p>\n"


def test_strikethrough_renders_as_s() -> None:
    html = render_markdown("~~gone~~ stays")

    assert html == "<p><s>gone</s> stays</p>\n"


def test_tables_map_alignment_to_classes_without_style() -> None:
    source = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |"

    html = render_markdown(source)

    assert '<th class="align-left">a</th>' in html
    assert '<th class="align-center">b</th>' in html
    assert '<td class="align-right">3</td>' in html
    assert "<td>4</td>" in html
    assert "style" not in html


def test_footnotes_render_with_ids_unique_to_the_source() -> None:
    first = render_markdown("Claim.[^1]\n\n[^1]: Source.")
    second = render_markdown("Other claim.[^1]\n\n[^1]: Other source.")

    first_ids = {a.get("id") for _, a in _markup(first).tags if a.get("id")}
    second_ids = {a.get("id") for _, a in _markup(second).tags if a.get("id")}
    assert '<section class="footnotes">' in first
    assert '<sup class="footnote-ref"><a href="#fn-' in first
    assert '<li id="fn-' in first
    assert 'class="footnote-backref"' in first
    assert len(first_ids) == 2
    assert first_ids.isdisjoint(second_ids)


def test_inline_footnotes_render() -> None:
    html = render_markdown("Claim.^[An inline note.]")

    assert "<p>An inline note. <a" in html


# --- headings -----------------------------------------------------------------


def test_headings_shift_down_two_levels_and_stop_at_h6() -> None:
    source = "# one\n## two\n### three\n#### four\n##### five\n###### six"

    html = render_markdown(source)

    assert html == (
        "<h3>one</h3>\n<h4>two</h4>\n<h5>three</h5>\n"
        "<h6>four</h6>\n<h6>five</h6>\n<h6>six</h6>\n"
    )


def test_setext_headings_shift_too() -> None:
    html = render_markdown("Title\n=====\n\nSub\n---")

    assert html == "<h3>Title</h3>\n<h4>Sub</h4>\n"


# --- code ---------------------------------------------------------------------


def test_fenced_python_is_highlighted_with_token_classes() -> None:
    html = render_markdown("```python\ndef f(x):\n    return x  # note\n```")

    assert html.startswith('<pre class="highlight"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">f</span>' in html
    assert '<span class="c1"># note</span>' in html


def test_fence_language_is_case_insensitive_and_ignores_extra_words() -> None:
    html = render_markdown("```Python title=demo.py\nx = 1\n```")

    assert '<code class="language-python">' in html
    assert '<span class="n">x</span>' in html


def test_unknown_fence_language_renders_escaped_plain_code() -> None:
    html = render_markdown("```nosuchlanguage\n<b>&</b>\n```")

    assert html == "<pre><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n"


def test_fence_without_language_renders_plain_code() -> None:
    html = render_markdown("```\nprint(1)\n```")

    assert html == "<pre><code>print(1)\n</code></pre>\n"


def test_indented_code_renders_plain_code() -> None:
    html = render_markdown("    <x> = 1")

    assert html == "<pre><code>&lt;x&gt; = 1\n</code></pre>\n"


def test_inline_code_is_escaped() -> None:
    html = render_markdown("Use `<br>` here.")

    assert html == "<p>Use <code>&lt;br&gt;</code> here.</p>\n"


# --- images -------------------------------------------------------------------


def test_images_on_other_sites_become_links_so_readers_load_nothing_from_them() -> None:
    html = render_markdown('![A *cat* @ana](https://example.org/cat.png "Cat")')
    bare = render_markdown("![](//example.org/cat.png)")

    assert html == (
        '<p><a href="https://example.org/cat.png" title="Cat" '
        'rel="nofollow ugc noopener">Image: A cat @ana</a></p>\n'
    )
    assert "<img" not in bare and "Image: //example.org/cat.png" in bare


def test_images_from_this_site_load_lazily_with_title() -> None:
    html = render_markdown('![plot](/media/p.png "Residuals")')

    assert html == (
        '<p><img src="/media/p.png" alt="plot" title="Residuals" loading="lazy"></p>\n'
    )


def test_relative_images_are_kept() -> None:
    html = render_markdown("![diagram](/media/d.png)")

    assert html == '<p><img src="/media/d.png" alt="diagram" loading="lazy"></p>\n'


def test_images_with_non_http_sources_render_only_their_alt_text() -> None:
    html = render_markdown("![write to me](mailto:a@example.org)")

    assert html == "<p>write to me</p>\n"


# --- maths --------------------------------------------------------------------


def test_inline_maths_becomes_inline_mathml() -> None:
    html = render_markdown("Area is $\\pi r^2$.")

    markup = _markup(html)
    assert (
        "math",
        {"xmlns": "http://www.w3.org/1998/Math/MathML", "display": "inline"},
    ) in markup.tags
    assert "<msup><mi>r</mi><mn>2</mn></msup>" in html


def test_display_maths_becomes_block_mathml() -> None:
    html = render_markdown("$$\n\\frac{a}{b}\n$$")

    assert html.startswith(
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
    )
    assert "<mfrac>" in html
    assert "<p>" not in html


def test_double_dollars_within_a_line_become_display_mathml() -> None:
    html = render_markdown("So $$E=mc^2$$ holds.")

    assert html.startswith(
        '<p>So <math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
    )
    assert html.endswith("</math> holds.</p>\n")


def test_maths_keeps_the_attributes_it_needs() -> None:
    html = render_markdown("$\\left(\\hat{x}\\right)$")

    assert '<mo stretchy="true" fence="true" form="prefix">(</mo>' in html
    assert '<mover accent="true">' in html


def test_bad_latex_is_shown_escaped_instead_of_crashing() -> None:
    html = render_markdown("Oops $<b>\\frac$ and\n\n$$\n\\sqrt\n$$")

    assert '<code class="math-error">$&lt;b&gt;\\frac$</code>' in html
    assert '<code class="math-error">$$\\sqrt$$</code>' in html
    assert "<math" not in html


def test_text_inside_maths_stays_text() -> None:
    html = render_markdown("$\\text{<b>bold</b> & co}$")

    assert "<mtext>&lt;b&gt;bold&lt;/b&gt;&nbsp;&amp;&nbsp;co</mtext>" in html


def test_character_references_in_maths_are_decoded_or_replaced() -> None:
    html = render_markdown("$\\text{&#x41;&#xD800;}$")

    assert "<mtext>A\ufffd</mtext>" in html


def test_dollar_amounts_in_prose_are_not_maths() -> None:
    source = "It costs $5 and $10.\n\nFrom $5.99/$6.99 now.\n\nAbroad 5$ or 10$."

    html = render_markdown(source)

    assert html == (
        "<p>It costs $5 and $10.</p>\n<p>From $5.99/$6.99 now.</p>\n"
        "<p>Abroad 5$ or 10$.</p>\n"
    )


def test_escaped_dollars_are_not_maths() -> None:
    html = render_markdown("Between \\$10 and 5\\$ today.")

    assert html == "<p>Between $10 and 5$ today.</p>\n"


def test_dollars_inside_code_are_not_maths() -> None:
    html = render_markdown("Run `echo $HOME$` now.")

    assert html == "<p>Run <code>echo $HOME$</code> now.</p>\n"


# --- mentions -----------------------------------------------------------------


def test_resolved_mention_links_to_the_profile() -> None:
    html = render_markdown("Thanks @ana!", resolve_mention=_profile_url)

    assert html == (
        f'<p>Thanks <a class="mention" href="/members/ana/" {REL}>@ana</a>!</p>\n'
    )


def test_unresolved_mention_stays_plain_text() -> None:
    html = render_markdown("Thanks @zoe!", resolve_mention=_profile_url)

    assert html == "<p>Thanks @zoe!</p>\n"


def test_mentions_stay_plain_text_without_a_resolver() -> None:
    html = render_markdown("Thanks @ana!")

    assert html == "<p>Thanks @ana!</p>\n"


def test_mention_at_start_of_line_and_before_punctuation_is_linked() -> None:
    html = render_markdown(
        "@ana, see (@ben). Ask @ana.\n**@ben**", resolve_mention=_profile_url
    )

    assert html.count('class="mention"') == 4
    assert '<p><a class="mention" href="/members/ana/"' in html
    assert ">@ana</a>.\n" in html
    assert '<strong><a class="mention" href="/members/ben/"' in html


def test_mentions_in_code_are_not_linked() -> None:
    source = "`@ana`\n\n```\n@ana\n```\n\n    @ana"

    html = render_markdown(source, resolve_mention=_profile_url)

    assert "mention" not in html
    assert html.count("@ana") == 3


def test_email_addresses_and_word_joined_at_signs_are_not_mentions() -> None:
    source = "Mail ana@example.org, <ben@example.org>, x_@ana or caf\u00e9@ana."

    html = render_markdown(source, resolve_mention=_profile_url)

    assert 'class="mention"' not in html
    assert f'<a href="mailto:ben@example.org" {REL}>ben@example.org</a>' in html


def test_mentions_inside_links_are_not_linked_again() -> None:
    html = render_markdown("[@ana](/elsewhere)", resolve_mention=_profile_url)

    assert html == f'<p><a href="/elsewhere" {REL}>@ana</a></p>\n'


def test_fediverse_addresses_and_overlong_handles_are_not_mentions() -> None:
    source = f"@ana@example.social @{'a' * 31} @ @! @.ana"

    html = render_markdown(source, resolve_mention=lambda handle: "/m/")

    assert 'class="mention"' not in html


def test_handles_may_use_up_to_thirty_characters_and_inner_dots() -> None:
    handle = "a.b-c_" + "d" * 24

    html = render_markdown(f"Hi @{handle}...", resolve_mention=lambda h: f"/m/{h}")

    assert f'<a class="mention" href="/m/{handle}" {REL}>@{handle}</a>...' in html


def test_resolver_is_asked_once_per_handle() -> None:
    asked: list[str] = []

    def resolve(handle: str) -> str | None:
        asked.append(handle)
        return None

    render_markdown("@ana @ben @ana @ana", resolve_mention=resolve)

    assert asked == ["ana", "ben"]


def test_extract_mentions_keeps_order_drops_duplicates_and_skips_code() -> None:
    source = (
        "@ben and @ana, again @ben. `@code`\n\n```\n@fenced\n```\n\n    @indented\n\n"
        "[@linked](/x) ![@alt](/a.png) me@example.org Note.^[ask @cy]"
    )

    assert extract_mentions(source) == ["ben", "ana", "cy"]


def test_extract_mentions_of_text_without_mentions_is_empty() -> None:
    assert extract_mentions("# Nothing\n\nto see here.") == []


# --- previews -----------------------------------------------------------------


def test_preview_strips_markup() -> None:
    source = (
        "# Title\n\n**Bold** and [a link](https://example.org), `code`, $x^2$,\n"
        "![a picture](/p.png) @ana.  \nNext line.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )

    assert render_inline_preview(source) == (
        "Title Bold and a link, code, x^2, a picture @ana. Next line. a b 1 2"
    )


def test_preview_keeps_code_and_maths_blocks_but_not_footnotes() -> None:
    source = "Text.[^1]\n\n```python\nx = 1\n```\n\n$$\ny\n$$\n\n[^1]: Hidden note."

    assert render_inline_preview(source) == "Text. x = 1 y"


def test_preview_is_plain_text_not_html() -> None:
    assert render_inline_preview("a < b & c") == "a < b & c"


def test_preview_truncates_on_a_word_boundary_with_an_ellipsis() -> None:
    preview = render_inline_preview("one two three four", limit=10)

    assert preview == "one two\u2026"


def test_preview_keeps_a_word_that_ends_at_the_limit() -> None:
    preview = render_inline_preview("one two three", limit=8)

    assert preview == "one two\u2026"


def test_preview_cuts_a_single_long_word() -> None:
    preview = render_inline_preview("abcdefghij", limit=5)

    assert preview == "abcd\u2026"


def test_preview_drops_trailing_punctuation_before_the_ellipsis() -> None:
    preview = render_inline_preview("one, two three", limit=6)

    assert preview == "one\u2026"


def test_preview_never_exceeds_the_limit() -> None:
    source = "word " * 100

    lengths = {len(render_inline_preview(source, limit=n)) for n in range(1, 60)}

    assert max(lengths) <= 59
    assert len(render_inline_preview(source)) <= 200


def test_preview_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        render_inline_preview("text", limit=0)


def test_preview_includes_maths_source() -> None:
    assert render_inline_preview("So $$E=mc^2$$ holds.") == "So E=mc^2 holds."


# --- malformed text -----------------------------------------------------------


def test_lone_surrogates_become_question_marks() -> None:
    source = "a\ud800b @ana\udfff"

    html = render_markdown(source, resolve_mention=_profile_url)

    assert html == (
        f'<p>a?b <a class="mention" href="/members/ana/" {REL}>@ana</a>?</p>\n'
    )
    assert extract_mentions(source) == ["ana"]
    assert render_inline_preview(source) == "a?b @ana?"


# --- hostile input ------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">raw</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;script&colon;alert(1))",
    "[click](<javascript :alert(1)>)",
    "[click](java\u0000script:alert(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    '[x](https://example.org/"onmouseover="alert(1))',
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '![x](https://example.org/a.png "t\\" onerror=\\"alert(1)")',
    "[a [b](javascript:alert(1)) c](https://example.org)",
    '[a](https://example.org)<img/src/onerror=alert(1)>"><script>alert(1)</script>',
    '| a |\n|---|\n| <a href="javascript:alert(1)">x</a> |',
    "| a |\n|---|\n| [x](javascript:alert(1)) |",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    '```"><script>alert(1)</script>\ncode\n```',
    '```python" onmouseover="alert(1)\ncode\n```',
    "$\\href{javascript:alert(1)}{x}$",
    "$\\style{background:url(javascript:alert(1))}{x}$",
    '$\\color{"/><img src=x onerror=alert(1)>}{x}$',
    "$\\mbox{<script>alert(1)</script>}$",
    "$$\n\\text{</math><script>alert(1)</script>}\n$$",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">'
    "x</maction></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    'Note[^"><img src=x onerror=alert(1)>]\n\n[^"><img src=x onerror=alert(1)>]: x',
    '@ana @"><script>alert(1)</script>',
]

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "em", "strong", "s", "del", "sup",
    "sub", "code", "pre", "span", "blockquote", "ul", "ol", "li", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "section", "math", "mrow",
    "mi", "mn", "mo", "ms", "msup", "msub", "msubsup", "mfrac", "msqrt",
    "mroot", "mtext", "mspace", "mtable", "mtr", "mtd", "munder", "mover",
    "munderover", "mstyle", "semantics", "annotation", "menclose", "mpadded",
    "mphantom",
}  # fmt: skip
DANGEROUS_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)


def _without_controls(url: str) -> str:
    return re.sub(r"[\x00-\x20]", "", url)


def _hostile_resolver(handle: str) -> str:
    return "javascript:alert(1)"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_input_renders_without_active_content(payload: str) -> None:
    html = render_markdown(payload, resolve_mention=_hostile_resolver)

    markup = _markup(html)
    lowered = html.lower()
    for tag in ("<script", "<iframe", "<style", "<svg", "<object", "<embed"):
        assert tag not in lowered
    assert not markup.comments
    for tag, attrs in markup.tags:
        assert tag in ALLOWED_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert name not in {"style", "xlink:href", "srcdoc", "formaction"}
            if name in {"href", "src"}:
                assert not DANGEROUS_SCHEME.match(_without_controls(value or ""))
    # A refused link is shown as its source text, and a title may quote
    # anything; both are inert. Outside quoted values neither may appear.
    for start_tag in markup.start_tags:
        bare = re.sub(r'"[^"]*"', '""', start_tag)
        assert "javascript:" not in bare.lower()
        assert not re.search(r"\son\w+\s*=", bare)


def test_hostile_payload_list_is_varied() -> None:
    assert len(set(XSS_PAYLOADS)) >= 25


def test_maths_link_commands_lose_their_targets() -> None:
    html = render_markdown("$\\href{https://example.org}{x}\\style{color:red}{y}$")

    assert "href" not in html
    assert "style" not in html
    assert "<mi>x</mi>" in html


def test_hostile_mention_urls_lose_their_href() -> None:
    html = render_markdown("@ana", resolve_mention=_hostile_resolver)

    assert html == f'<p><a class="mention" {REL}>@ana</a></p>\n'
