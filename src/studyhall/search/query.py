"""Turn what a person typed into a safe full-text query for either database.

Nothing typed reaches the query language as syntax: words become quoted
terms, "double-quoted text" becomes a phrase, and every other character is
dropped, so no input can raise a syntax error or change the query's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 300
MAX_TERMS = 16
WORD = re.compile(r"\w+", re.UNICODE)
PHRASE = re.compile(r'"([^"]*)"')
# Markers that wrap matched words in snippets; stripped from indexed text so
# only the database can place them, then turned into <mark> after escaping.
START, STOP = "\ue000", "\ue001"

# Words too common to say anything about a question's topic.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "so",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "anyone",
        "someone",
        "please",
        "thanks",
        "thank",
        "help",
        "question",
        "hi",
        "hello",
    ]
)


@dataclass(frozen=True)
class ParsedQuery:
    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases


def strip_markers(text: str) -> str:
    """Remove the snippet markers from text before it is indexed."""
    return text.replace(START, "").replace(STOP, "")


def parse(text: str) -> ParsedQuery:
    """Split a search box's text into words and quoted phrases."""
    text = strip_markers(text or "")[:MAX_QUERY_LENGTH]
    phrases = []
    for match in PHRASE.findall(text):
        words = WORD.findall(match.lower())
        if len(words) > 1:
            phrases.append(words[:MAX_TERMS])
        elif words:
            phrases.append(words)
    rest = PHRASE.sub(" ", text)
    terms = []
    for word in WORD.findall(rest.lower()):
        if word not in terms:
            terms.append(word)
    single = [p[0] for p in phrases if len(p) == 1]
    phrases = [p for p in phrases if len(p) > 1]
    terms = [*terms, *[w for w in single if w not in terms]]
    return ParsedQuery(terms=terms[:MAX_TERMS], phrases=phrases[:4])


def topic_words(text: str, limit: int = MAX_TERMS) -> list[str]:
    """Return the distinct words of a text that say something about its topic."""
    words: list[str] = []
    for word in WORD.findall(strip_markers(text or "").lower()):
        if word in STOPWORDS or len(word) < 2 or word.isdigit() or word in words:
            continue
        words.append(word)
        if len(words) >= limit:
            break
    return words


def fts5(parsed: ParsedQuery, *, any_term: bool = False) -> str:
    """Return an FTS5 MATCH expression: every term (or any term) and phrase."""
    parts = [_fts5_quote(t) for t in parsed.terms]
    parts += [_fts5_quote(" ".join(p)) for p in parsed.phrases]
    return (" OR " if any_term else " ").join(parts)


def _fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def websearch(parsed: ParsedQuery) -> str:
    """Return text for PostgreSQL's websearch_to_tsquery: all terms and phrases."""
    parts = list(parsed.terms) + ['"' + " ".join(p) + '"' for p in parsed.phrases]
    # websearch treats a bare "or" as an operator; drop it as a term.
    return " ".join(p for p in parts if p != "or")


def raw_any(parsed: ParsedQuery) -> str:
    """Return text for PostgreSQL's to_tsquery matching any of the words."""
    words = [*parsed.terms, *(w for p in parsed.phrases for w in p)]
    safe = [re.sub(r"[^\w]", "", w).replace("_", " ").strip() for w in words]
    return " | ".join(f"({' & '.join(w.split())})" for w in safe if w)
