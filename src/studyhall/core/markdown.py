"""Render the Markdown of posts, chat messages and bios to safe HTML.

Every piece of member-written text goes through this module. The pipeline is:

1. markdown-it-py parses CommonMark with tables, strikethrough, footnotes,
   dollar maths and @mentions; raw HTML in the source is disabled.
2. Custom render rules highlight fenced code with Pygments, turn maths into
   MathML with latex2mathml, link resolved mentions and keep images to
   http(s) and relative addresses.
3. nh3 sanitizes the result against an allow-list, so a bug in any step
   above still cannot put script into a page.

The parser and the sanitizer are built once at import; rendering is on the
hot path when posts are saved and when the demo data is seeded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element

import nh3
from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, isValidEntityCode, unescapeAll
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import STANDARD_TYPES

__all__ = ["extract_mentions", "render_inline_preview", "render_markdown"]

MentionResolver = Callable[[str], str | None]
# Maps a cited library item id to (title, url), or None when it does not resolve.
CitationResolver = Callable[[int], tuple[str, str] | None]

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener"

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HANDLE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,29}")
# A handle that goes on past 30 characters, or straight into another "@" (as in
# a fediverse address such as @ana@example.social), is not a local mention.
_HANDLE_CONTINUES_RE = re.compile(r"\.*[A-Za-z0-9_@-]")
_CHAR_REF_RE = re.compile(r"&#x([0-9A-Fa-f]{1,8});")
_SHIFTED_HEADING = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6"}
_ALIGN_CLASSES = {
    "text-align:left": "align-left",
    "text-align:center": "align-center",
    "text-align:right": "align-right",
}
_PREVIEW_TRAILING = " ,;:-\u2013\u2014"
_TEXT_TOKENS = frozenset(
    {
        "text",
        "code_inline",
        "mention",
        "math_inline",
        "math_inline_double",
        "citation",
    }
)
# A library citation: [[lib:42]] renders as a link card to item 42.
_CITATION_RE = re.compile(r"\[\[lib:([1-9][0-9]{0,17})\]\]")


# --- URLs ---------------------------------------------------------------------


def _url_scheme(url: str) -> str:
    """Return the lower-case scheme of url, or "" for a relative address."""
    match = _SCHEME_RE.match(url)
    return match[1].lower() if match else ""


def _is_allowed_link(url: str) -> bool:
    """Return whether url is relative or uses an allowed link scheme."""
    scheme = _url_scheme(url)
    return not scheme or scheme in LINK_SCHEMES


class _StudyhallMarkdown(MarkdownIt):
    """A MarkdownIt parser that accepts only http(s), mailto and relative links."""

    def validateLink(self, url: str) -> bool:
        """Return whether a link or image destination may appear in the output."""
        return _is_allowed_link(url)


# --- @mentions ----------------------------------------------------------------


def _is_word_char(char: str) -> bool:
    """Return whether char counts as part of a word for mention boundaries."""
    return char.isalnum() or char == "_"


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Parse an @handle at the current position into a "mention" token."""
    pos = state.pos
    src = state.src
    # Text inside link labels is already a link; "a@b.com" is an address.
    if src[pos] != "@" or state.linkLevel > 0:
        return False
    if pos > 0 and _is_word_char(src[pos - 1]):
        return False
    match = _HANDLE_RE.match(src, pos + 1, state.posMax)
    if match is None:
        return False
    handle = match[0].rstrip(".")
    end = pos + 1 + len(handle)
    if _HANDLE_CONTINUES_RE.match(src, end, state.posMax):
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = "@" + handle
        token.meta = {"handle": handle}
    state.pos = end
    return True


def _render_mention(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a mention as a link when the resolver knows the handle."""
    token = tokens[idx]
    text = escapeHtml(token.content)
    resolve: MentionResolver | None = env.get("resolve_mention")
    if resolve is None:
        return text
    # Ask once per handle in each render, as the resolver may query the database.
    urls: dict[str, str | None] = env.setdefault("mention_urls", {})
    handle = token.meta["handle"]
    if handle not in urls:
        urls[handle] = resolve(handle)
    url = urls[handle]
    if url is None:
        return text
    return f'<a class="mention" href="{escapeHtml(url)}">{text}</a>'


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Parse [[lib:<id>]] at the current position into a "citation" token."""
    match = _CITATION_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = match[0]
        token.meta = {"pk": int(match[1])}
    state.pos = match.end()
    return True


def _render_citation(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a citation as a link card when the resolver knows the item."""
    token = tokens[idx]
    resolve: CitationResolver | None = env.get("resolve_citation")
    found = resolve(token.meta["pk"]) if resolve is not None else None
    if found is None:
        return escapeHtml(token.content)
    title, url = found
    return (
        f'<a class="cite-card" href="{escapeHtml(url)}">'
        f'<span class="cite-kind">Library</span> {escapeHtml(title)}</a>'
    )


# --- block adjustments --------------------------------------------------------


def _adjust_blocks(state: StateCore) -> None:
    """Shift headings down two levels and turn table alignment into classes.

    A post sits under the page's own h1 and h2, so its "#" becomes an h3.
    Alignment becomes a class because a content security policy without
    'unsafe-inline' ignores style attributes.
    """
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _SHIFTED_HEADING.get(token.tag, "h6")
        elif token.type in ("th_open", "td_open") and token.attrs:
            style = str(token.attrs.pop("style"))
            token.attrSet("class", _ALIGN_CLASSES[style])


# --- code ---------------------------------------------------------------------

_FORMATTER = HtmlFormatter(nowrap=True)
# Only names Pygments ships are looked up, so an unknown fence language costs a
# set lookup rather than a scan of every lexer and plugin.
_LANGUAGES = frozenset(
    alias.lower()
    for _, aliases, _, _ in get_all_lexers(plugins=False)
    for alias in aliases
)


@lru_cache(maxsize=64)
def _lexer_for(language: str) -> Lexer:
    """Return a reusable lexer for a language name Pygments knows."""
    return get_lexer_by_name(language)


def _render_fence(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a fenced block, highlighted when its language is known.

    The language comes only from the info string: guessing it from the code
    is slow and often wrong.
    """
    token = tokens[idx]
    words = unescapeAll(token.info).split(maxsplit=1)
    language = words[0].lower() if words else ""
    if language not in _LANGUAGES:
        return f"<pre><code>{escapeHtml(token.content)}</code></pre>\n"
    code = highlight(token.content, _lexer_for(language), _FORMATTER)
    return (
        f'<pre class="highlight"><code class="language-{escapeHtml(language)}">'
        f"{code}</code></pre>\n"
    )


# --- images -------------------------------------------------------------------


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render an image from this site that loads lazily; link to one elsewhere.

    Images on other sites are not loaded into readers' pages: that would tell
    those sites who reads what, and fails on a closed campus network.
    """
    token = tokens[idx]
    src = str(token.attrGet("src"))
    alt = escapeHtml(_plain_text(token.children or ()))
    scheme = _url_scheme(src)
    if scheme and scheme not in IMAGE_SCHEMES:
        return alt
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(str(title))}"' if title else ""
    if scheme or src.startswith("//"):
        return f'<a href="{escapeHtml(src)}"{title_attr}>Image: {alt or escapeHtml(src)}</a>'
    return f'<img src="{escapeHtml(src)}" alt="{alt}"{title_attr} loading="lazy">'


# --- maths --------------------------------------------------------------------


def _decode_char_ref(match: re.Match[str]) -> str:
    """Return the character a hexadecimal reference names, or U+FFFD if invalid."""
    code = int(match[1], 16)
    return chr(code) if isValidEntityCode(code) else "\ufffd"


def _mathml_text(text: str) -> str:
    """Escape MathML text that latex2mathml left with character references."""
    return escapeHtml(_CHAR_REF_RE.sub(_decode_char_ref, text))


def _write_mathml(element: Element, out: list[str]) -> None:
    """Append element to out as escaped markup.

    latex2mathml's own string output unescapes everything at the end, so
    "\\text{<b>}" would come out as a real tag; serializing the tree here
    keeps member text as text.
    """
    attrs = "".join(
        f' {name}="{escapeHtml(str(value))}"' for name, value in element.attrib.items()
    )
    out.append(f"<{element.tag}{attrs}>")
    out.append(_mathml_text(element.text or ""))
    for child in element:
        _write_mathml(child, out)
        out.append(_mathml_text(child.tail or ""))
    out.append(f"</{element.tag}>")


def _math_html(latex: str, *, display: str, markup: str) -> str:
    """Convert LaTeX to MathML, or show the source as an error on failure."""
    try:
        out: list[str] = []
        _write_mathml(convert_to_element(latex, display=display), out)
        return "".join(out)
    except Exception:
        # latex2mathml raises assorted errors (and RecursionError on deep
        # nesting); none of them may stop a post from rendering.
        return f'<code class="math-error">{escapeHtml(markup + latex + markup)}</code>'


def _render_math_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render $...$ as inline MathML, and $$...$$ within a line as display MathML."""
    token = tokens[idx]
    display = "block" if token.markup == "$$" else "inline"
    return _math_html(token.content.strip(), display=display, markup=token.markup)


def _render_math_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render $$...$$ on its own lines as display MathML."""
    token = tokens[idx]
    html = _math_html(token.content.strip(), display="block", markup=token.markup)
    return html + "\n"


# --- plain text ---------------------------------------------------------------


def _plain_text(tokens: Iterable[Token]) -> str:
    """Return the readable text of inline tokens, without markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type in _TEXT_TOKENS:
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_plain_text(token.children or ()))
    return "".join(parts)


# --- the parser and the sanitizer ---------------------------------------------


def _build_parser() -> MarkdownIt:
    """Return the configured parser with every plugin and render rule."""
    md = _StudyhallMarkdown("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    footnote_plugin(md)
    # Inline maths needs no space inside the dollars and no digit right after
    # the closing one, so prose such as "costs $5 and $10" stays prose.
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.core.ruler.push("adjust_blocks", _adjust_blocks)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_inline)
    md.add_render_rule("math_block", _render_math_block)
    return md


# fmt: off
_MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "msup", "msub", "msubsup",
        "mfrac", "msqrt", "mroot", "mtext", "mspace", "mtable", "mtr", "mtd",
        "munder", "mover", "munderover", "mstyle", "semantics", "annotation",
        "menclose", "mpadded", "mphantom",
    }
)
_MATHML_ATTRIBUTES = frozenset(
    {
        "display", "xmlns", "mathvariant", "mathsize", "mathcolor",
        "mathbackground", "displaystyle", "scriptlevel", "stretchy", "fence",
        "separator", "lspace", "rspace", "columnalign", "columnspacing",
        "columnlines", "rowspacing", "rowlines", "accent", "accentunder",
        "width", "height", "depth", "voffset", "notation", "minsize", "maxsize",
        "movablelimits", "largeop", "symmetric", "form", "linethickness",
        "linebreak", "encoding",
    }
)
_TAGS = _MATHML_TAGS | {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "em", "strong", "s", "del",
    "sup", "sub", "code", "pre", "span", "blockquote", "ul", "ol", "li", "a",
    "img", "table", "thead", "tbody", "tr", "th", "td", "section",
}
# fmt: on
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "loading"},
    "ol": {"start"},
    "li": {"id"},
    **{tag: set(_MATHML_ATTRIBUTES) for tag in _MATHML_TAGS},
}
_CLASSES = {
    "a": {"mention", "footnote-backref", "cite-card"},
    "code": {"math-error"} | {f"language-{name}" for name in _LANGUAGES},
    "pre": {"highlight"},
    "span": {name for name in STANDARD_TYPES.values() if name} | {"cite-kind"},
    "th": set(_ALIGN_CLASSES.values()),
    "td": set(_ALIGN_CLASSES.values()),
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "hr": {"footnotes-sep"},
}

_MD = _build_parser()
_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    attributes=_ATTRIBUTES,
    allowed_classes=_CLASSES,
    url_schemes=set(LINK_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


# --- public API ---------------------------------------------------------------


def _utf8(source: str) -> bytes:
    """Encode source as UTF-8, turning lone surrogates into "?".

    JSON input may carry escaped lone surrogates, which nh3 and the response
    encoder cannot handle.
    """
    return source.encode("utf-8", "replace")


def render_markdown(
    source: str,
    *,
    resolve_mention: MentionResolver | None = None,
    resolve_citation: CitationResolver | None = None,
) -> str:
    """Render Markdown to sanitized HTML that is safe to insert into a page.

    resolve_mention maps a handle to its profile URL, or to None when no such
    member exists; without it mentions stay plain text. resolve_citation maps
    a cited library item id ([[lib:42]]) to its title and URL for a link card;
    without it, or when it returns None, the citation stays plain text.
    """
    data = _utf8(source)
    env: EnvType = {
        # Footnote ids carry a digest of the source so two posts on one page
        # do not share "#fn1".
        "docId": hashlib.blake2b(data, digest_size=4).hexdigest(),
        "resolve_mention": resolve_mention,
        "resolve_citation": resolve_citation,
    }
    return _CLEANER.clean(_MD.render(data.decode(), env))


def extract_mentions(source: str) -> list[str]:
    """Return the @handles mentioned in source (outside code), in order.

    Each handle appears once, spelled as first written. The same parse as
    render_markdown finds them, so code, links and addresses are skipped alike.
    """
    handles: dict[str, None] = {}
    for block in _MD.parse(_utf8(source).decode()):
        for token in block.children or ():
            if token.type == "mention":
                handles.setdefault(token.meta["handle"])
    return list(handles)


def render_inline_preview(source: str, limit: int = 200) -> str:
    """Return a plain-text excerpt of source of at most limit characters.

    The text is not HTML-escaped (templates escape it). Footnotes are left
    out; a longer text is cut at a word boundary and ends with an ellipsis.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    parts: list[str] = []
    in_footnotes = False
    for token in _MD.parse(_utf8(source).decode()):
        if token.type in ("footnote_block_open", "footnote_block_close"):
            in_footnotes = token.nesting == 1
        elif in_footnotes:
            continue
        elif token.type == "inline":
            parts.append(_plain_text(token.children or ()))
        elif token.type in ("fence", "code_block", "math_block"):
            parts.append(token.content)
    text = " ".join(" ".join(parts).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(_PREVIEW_TRAILING) + "\u2026"
