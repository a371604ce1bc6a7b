"""Read and write BibTeX and DOI strings, without any outbound lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

_ENTRY_RE = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_DOI_RE = re.compile(r"(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
KIND_BY_TYPE = {
    "article": "paper",
    "inproceedings": "paper",
    "conference": "paper",
    "book": "book",
    "inbook": "book",
    "misc": "link",
    "online": "link",
    "techreport": "paper",
    "phdthesis": "paper",
    "mastersthesis": "paper",
}


@dataclass
class Reference:
    title: str = ""
    authors: str = ""
    year: int | None = None
    doi: str = ""
    url: str = ""
    kind: str = "paper"
    key: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)


def _read_value(text: str, i: int) -> tuple[str, int]:
    """Return the value starting at text[i] (braced, quoted or bare) and the index after."""
    if text[i] == "{":
        depth, start = 0, i
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return text[start + 1 : i], i + 1
            i += 1
        raise ValidationError("A brace is not closed.")
    if text[i] == '"':
        end = text.find('"', i + 1)
        if end < 0:
            raise ValidationError("A quote is not closed.")
        return text[i + 1 : end], end + 1
    match = re.match(r"[^,}\s]+", text[i:])
    if not match:
        raise ValidationError("A field has no value.")
    return match.group(), i + match.end()


def _clean(value: str) -> str:
    value = value.replace("{", "").replace("}", "").replace("\\&", "&")
    return re.sub(r"\s+", " ", value).strip()


def parse_bibtex(text: str) -> list[Reference]:
    """Parse BibTeX entries into references; raise ValidationError when none parse."""
    refs: list[Reference] = []
    for match in _ENTRY_RE.finditer(text):
        kind = match.group(1).lower()
        if kind in {"comment", "string", "preamble"}:
            continue
        i = match.end()
        key_match = re.match(r"\s*([^,\s]*)\s*,", text[i:])
        if not key_match:
            raise ValidationError("An entry has no citation key.")
        fields: dict[str, str] = {}
        i += key_match.end()
        while i < len(text):
            name_match = re.match(r"\s*([A-Za-z][\w-]*)\s*=\s*", text[i:])
            if not name_match:
                break
            i += name_match.end()
            value, i = _read_value(text, i)
            fields[name_match.group(1).lower()] = _clean(value)
            sep = re.match(r"\s*,?", text[i:])
            i += sep.end() if sep else 0
        if not fields.get("title"):
            raise ValidationError("Each entry needs a title.")
        year_match = re.search(r"\d{4}", fields.get("year", ""))
        refs.append(
            Reference(
                title=fields["title"][:300],
                authors=fields.get("author", "").replace(" and ", "; ")[:500],
                year=int(year_match.group()) if year_match else None,
                doi=clean_doi(fields["doi"]) if fields.get("doi") else "",
                url=fields.get("url", "")[:500],
                kind=KIND_BY_TYPE.get(kind, "paper"),
                key=key_match.group(1)[:100],
                summary=fields.get("abstract", "")[:5000],
                tags=[
                    t.strip()
                    for t in fields.get("keywords", "").split(",")
                    if t.strip()
                ],
            )
        )
    if not refs:
        raise ValidationError("No BibTeX entry found; entries start with @article{…")
    return refs


def clean_doi(value: str) -> str:
    """Return the bare DOI ("10.1000/xyz") from a typed string, or raise ValidationError.

    Accepts "doi:10…", "https://doi.org/10…" and the bare form."""
    match = _DOI_RE.search(value or "")
    if not match:
        raise ValidationError("That is not a DOI; DOIs look like 10.1000/xyz123.")
    return match.group(1).rstrip(".,;")[:200]


def _escape(value: str) -> str:
    return value.replace("\\", "").replace("{", "\\{").replace("}", "\\}")


def to_bibtex(items: list[dict[str, object]]) -> str:
    """Return BibTeX text for items given as dicts of the library's fields."""
    out = []
    for item in items:
        kind = {"book": "book", "paper": "article"}.get(str(item["kind"]), "misc")
        key = str(item.get("bibtex_key") or f"item{item['pk']}")
        key = re.sub(r"[^\w:-]", "", key) or f"item{item['pk']}"
        lines = [f"@{kind}{{{key},", f"  title = {{{_escape(str(item['title']))}}},"]
        if item.get("authors"):
            authors = " and ".join(a.strip() for a in str(item["authors"]).split(";"))
            lines.append(f"  author = {{{_escape(authors)}}},")
        for name in ("year", "doi", "url"):
            if item.get(name):
                lines.append(f"  {name} = {{{_escape(str(item[name]))}}},")
        if item.get("tags"):
            lines.append(f"  keywords = {{{_escape(str(item['tags']))}}},")
        lines.append("}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else "")
