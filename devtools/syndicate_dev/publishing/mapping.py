"""A Markdown file as the article document the API accepts, checked against schemas/ first.

The front matter's keys are the schema's field names (``title``, ``summary``, ``categories``,
``tags``, ``authors``, ``published_at``, ``status``, ``image``, ``canonical_url``, ``language``)
plus an optional ``id``; the Markdown after it is the body. Spellings other tools use are
accepted where they can mean only one thing:

- ``date`` for ``published_at``, ``description`` for ``summary``, ``category: X`` for
  ``categories: [X]``, ``author`` for ``authors``;
- ``draft: true`` for ``status: draft`` (``draft: false``: published);
- ``tags`` and ``categories`` as one comma-separated string;
- one author without a list, an author as just their name, the image as just its URL;
- YAML dates and date-times as RFC 3339 (a date is its midnight UTC; a time without an offset is UTC);
- a key left empty as a key not written.

Every violation names the line to fix: the line of its front-matter key where there is one,
else the body's first line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from syndicate import contract
from syndicate.errors import Violation
from syndicate_dev.publishing import frontmatter, images
from syndicate_dev.publishing.api import MAX_BODY_BYTES, request_body
from syndicate_dev.publishing.changes import publisher_fields, utc_second
from syndicate_dev.publishing.folders import SourceFile
from syndicate_dev.publishing.ids import derived_id

ID_KEY = "id"
# Another tool's spelling -> the schema's field it stands for.
ALIASES = {
    "date": "published_at",
    "description": "summary",
    "category": "categories",
    "author": "authors",
    "draft": "status",
}


@dataclass(frozen=True)
class LocatedViolation:
    line: int | None  # None: about the file as a whole (it could not be read)
    pointer: str
    message: str


def _in_file_order(violations: set[LocatedViolation]) -> tuple[LocatedViolation, ...]:
    return tuple(sorted(violations, key=lambda v: (v.line or 0, v.pointer, v.message)))


@dataclass(frozen=True)
class MarkdownArticle:
    path: str  # as the writer named it
    article_id: str
    document: dict[str, Any]
    violations: tuple[LocatedViolation, ...] = ()
    id_line: int | None = None
    images: tuple[images.LocalImage, ...] = ()  # local files to upload; the document names them as written

    def refused(self, *violations: LocatedViolation) -> MarkdownArticle:
        found = _in_file_order({*self.violations, *violations})
        return MarkdownArticle(self.path, self.article_id, self.document, found, self.id_line, self.images)


def read_article(source: SourceFile, *, draft: bool = False) -> MarkdownArticle:
    """The article ``source`` holds, with every reason it cannot be sent (none when it can)."""
    fallback_id = derived_id(source.relative)
    try:
        text = source.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = source.path.read_bytes()[: error.start].count(b"\n") + 1
        return _unreadable(source, fallback_id, line, "is not UTF-8 text")
    except OSError as error:
        return _unreadable(source, fallback_id, None, f"cannot be read: {error.strerror}")
    try:
        parsed = frontmatter.parse(text, keep_text=_expects_text)
    except frontmatter.FrontMatterError as error:
        return _unreadable(source, fallback_id, error.line, error.message)
    return article_from(parsed, str(source.path), fallback_id, draft=draft)


def article_from(parsed: frontmatter.MarkdownSource, path: str, fallback_id: str, *, draft: bool) -> MarkdownArticle:
    lines = {contract.pointer(where): line for where, line in parsed.lines.items()}
    for where, line in parsed.lines.items():  # `date:` is where /published_at is written
        lines.setdefault(contract.pointer(_as_field_path(where)), line)
    values = dict(parsed.front_matter)
    explicit_id = values.pop(ID_KEY, None)
    found = _id_violations(explicit_id)
    document, mapping_violations = _document(values)
    found += mapping_violations
    if "body" in values:
        found.append(Violation("/body", "is the Markdown after the front matter, not a front-matter key"))
    document["body"] = parsed.body
    if draft:
        document["status"] = "draft"
    local, unusable = images.local_images(
        document, Path(path), parsed.body_line, lambda pointer: _line_of(pointer, lines, parsed.body_line)
    )
    explained = {violation.pointer for violation in found}
    found += [v for v in _contract_violations(images.with_placeholders(document)) if v.pointer not in explained]
    located = [LocatedViolation(_line_of(v.pointer, lines, parsed.body_line), v.pointer, v.message) for v in found]
    located += [
        LocatedViolation(line or _line_of(v.pointer, lines, parsed.body_line), v.pointer, v.message)
        for v, line in unusable
    ]
    article_id = explicit_id if isinstance(explicit_id, str) and explicit_id else fallback_id
    violations = _in_file_order(set(located))
    return MarkdownArticle(path, article_id, document, violations, lines.get("/" + ID_KEY), tuple(local))


def _unreadable(source: SourceFile, article_id: str, line: int | None, message: str) -> MarkdownArticle:
    return MarkdownArticle(str(source.path), article_id, {}, (LocatedViolation(line, "", message),))


def _id_violations(explicit_id: Any) -> list[Violation]:
    if explicit_id is None:
        return []
    return contract.violations("article-path", {ID_KEY: explicit_id})


def _document(values: dict[str, Any]) -> tuple[dict[str, Any], list[Violation]]:
    """The schema's fields from the front matter's, other spellings and shapes converted."""
    found: list[Violation] = []
    document: dict[str, Any] = {}
    for key, value in values.items():
        target = ALIASES.get(key, key)
        if value is None:
            continue
        if target != key and values.get(target) is not None:
            found.append(Violation("/" + key, f"says the same as `{target}`; keep one of them"))
        elif key == "draft" and not isinstance(value, bool):
            found.append(Violation("/draft", "must be true or false"))
        else:
            document[target] = _ALIAS_SHAPES.get(key, _same)(value)
    for name, shape in _FIELD_SHAPES.items():
        if name in document:
            document[name] = shape(document[name])
    if "image" in document:
        document["image"] = images.front_matter_image(document["image"])
    return document, found


def _contract_violations(document: dict[str, Any]) -> list[Violation]:
    """What the API would refuse, found with its own validator, and what it could not store."""
    found = contract.violations("article", document)
    if found:
        return found
    if "published_at" in document and utc_second(document["published_at"]) is None:
        return [Violation("/published_at", "is not a moment between the years 0001 and 9999 in UTC")]
    halves = _half_characters(document, "")
    if halves:
        return [Violation(where, "holds half a UTF-16 surrogate pair; write whole characters") for where in halves]
    size = len(request_body(document))
    if size > MAX_BODY_BYTES:
        return [Violation("/body", f"makes the article {size} bytes as JSON; the API takes at most {MAX_BODY_BYTES}")]
    return []


def _half_characters(value: Any, at: str) -> list[str]:
    if isinstance(value, str):
        return [at] if any("\ud800" <= char <= "\udfff" for char in value) else []
    if isinstance(value, dict):
        return [where for key, item in value.items() for where in _half_characters(item, f"{at}/{key}")]
    if isinstance(value, list):
        return [where for index, item in enumerate(value) for where in _half_characters(item, f"{at}/{index}")]
    return []


def _line_of(pointer: str, lines: dict[str, int], body_line: int) -> int:
    """The line of the front-matter key ``pointer`` falls under, else the body's first line."""
    where = pointer
    while where:
        if where in lines:
            return lines[where]
        where = where.rsplit("/", 1)[0]
    return body_line


class _FrontMatterDumper(yaml.SafeDumper):
    """PyYAML writes U+0085, U+2028 and U+2029 as they are inside quotes, where YAML reads them as
    line breaks (folded to a space): text holding one is written double-quoted, as an escape."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if any(breaking in value for breaking in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _text)


def as_markdown(article_id: str, resource: dict[str, Any]) -> str:
    """An article the API returned, as a file ``read_article`` reads back to the same document."""
    front: dict[str, Any] = {ID_KEY: article_id}
    front.update((name, resource[name]) for name in publisher_fields() if name != "body" and name in resource)
    text = yaml.dump(front, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"{frontmatter.OPENING}\n{text}{frontmatter.OPENING}\n\n{resource.get('body', '')}"


# -- shapes ------------------------------------------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _status_of_draft(value: Any) -> Any:
    return "draft" if value else "published"


def _one_item(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _comma_list(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return [item.strip() for item in value.split(",") if item.strip()]


def _authors(value: Any) -> Any:
    if isinstance(value, str | dict):  # one author
        value = [value]
    if isinstance(value, list):
        return [{"name": item} if isinstance(item, str) else item for item in value]
    return value


def rfc3339(value: Any) -> Any:
    """A YAML date or date-time as RFC 3339 (midnight UTC for a date, UTC for a time without offset)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        text = moment.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    return value


_ALIAS_SHAPES: dict[str, Callable[[Any], Any]] = {"draft": _status_of_draft, "category": _one_item}
_FIELD_SHAPES: dict[str, Callable[[Any], Any]] = {
    "published_at": rfc3339,
    "tags": _comma_list,
    "categories": _comma_list,
    "authors": _authors,
}


# -- which values are text ---------------------------------------------------------------------


def _as_field_path(where: frontmatter.Path_) -> tuple[str | int, ...]:
    """A front-matter path with its first key spelled as the schema's field."""
    if where and isinstance(where[0], str):
        return (ALIASES.get(where[0], where[0]), *where[1:])
    return where


def _expects_text(where: frontmatter.Path_) -> bool:
    """Whether the value at ``where`` is text by contract (or a list of text, or an author)."""
    if where == (ID_KEY,):
        return True
    schema: dict[str, Any] | None = contract.load_schema("article")
    for part in _as_field_path(where):
        if schema is None:
            return False
        key = "items" if isinstance(part, int) else "properties"
        step = schema.get(key)
        schema = _resolved(step if isinstance(part, int) else (step or {}).get(part))
    return _scalar_stands_for_text(schema)


def _scalar_stands_for_text(schema: dict[str, Any] | None) -> bool:
    if schema is None:
        return False
    kind = schema.get("type")
    if kind == "array":
        return _scalar_stands_for_text(_resolved(schema.get("items")))
    if kind == "object":
        return _scalar_stands_for_text(_resolved(schema.get("properties", {}).get("name")))
    return kind == "string"


def _resolved(schema: Any) -> dict[str, Any] | None:
    if not isinstance(schema, dict):
        return None
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        resolved: dict[str, Any] = contract.load_schema("article")["$defs"][reference.removeprefix("#/$defs/")]
        return resolved
    return schema
