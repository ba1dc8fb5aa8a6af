"""A Markdown file's YAML front matter, read with the line of every key and list item.

PyYAML's node tree carries each value's position, which is how an error names the line a writer
has to fix. python-frontmatter is not used: it returns a plain dict without positions, and it
reads an unclosed or non-mapping front matter as if the file had none instead of saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path_ = tuple[str | int, ...]  # keys and list indexes from the front matter's top, as written

OPENING = "---"
CLOSINGS = ("---", "...")
# Tags a plain scalar gets from YAML 1.1's implicit typing; where the schema expects text, the
# text as written is kept instead (`language: no` is Norwegian, `title: 1984` a title).
_IMPLICIT_NON_TEXT = frozenset(f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float"))
MAX_VALUES = 100_000  # a front matter holds a few dozen; aliases could make a few lines stand for billions


class FrontMatterError(ValueError):
    """The file cannot be read as front matter and Markdown; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class MarkdownSource:
    """A Markdown file split into its front matter (with positions) and its body."""

    front_matter: dict[str, Any]
    lines: dict[Path_, int]  # where each key and list item is written, 1-based
    body: str  # leading blank lines dropped, trailing whitespace cut to one newline
    body_line: int  # the body's first line (the line after the front matter when it is empty)


def parse(text: str, keep_text: Callable[[Path_], bool]) -> MarkdownSource:
    """Split ``text`` into front matter and body.

    ``keep_text(path)`` says whether the value at ``path`` is text by contract, so that a plain
    scalar YAML would read as a boolean or a number keeps the characters the writer typed.
    """
    rows = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    first = rows[0].rstrip()
    if first == "+++":
        raise FrontMatterError(1, "TOML front matter (+++) is not supported; write it as YAML between --- lines")
    if first != OPENING:
        return _with_body({}, {}, rows, 0)
    closing = next((n for n in range(1, len(rows)) if rows[n].rstrip() in CLOSINGS), None)
    if closing is None:
        raise FrontMatterError(1, "the front matter opened here is never closed with a --- line")
    reader = _Reader("\n".join(rows[1:closing]), first_line=2, keep_text=keep_text)
    return _with_body(reader.values(), reader.lines, rows, closing + 1)


def _with_body(front_matter: dict[str, Any], lines: dict[Path_, int], rows: list[str], start: int) -> MarkdownSource:
    rest = rows[start:]
    leading = next((n for n, row in enumerate(rest) if row.strip()), len(rest))
    body = "\n".join(rest[leading:]).rstrip()
    body_line = start + 1 + leading if body else min(start + 1, len(rows))
    return MarkdownSource(front_matter, lines, body + "\n" if body else "", body_line)


class _Reader:
    def __init__(self, text: str, *, first_line: int, keep_text: Callable[[Path_], bool]) -> None:
        self._loader = yaml.SafeLoader(text)
        self._first_line = first_line
        self._keep_text = keep_text
        self.lines: dict[Path_, int] = {}
        self._budget = MAX_VALUES

    def _line(self, node: Node) -> int:
        return int(node.start_mark.line) + self._first_line

    def values(self) -> dict[str, Any]:
        try:
            root = self._loader.get_single_node()
            if root is None:
                return {}
            if not isinstance(root, MappingNode):
                raise FrontMatterError(self._line(root), "the front matter must be `key: value` lines")
            value: dict[str, Any] = self._value(root, (), frozenset())
            return value
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = int(mark.line) + self._first_line if mark else self._first_line
            raise FrontMatterError(line, f"the front matter is not valid YAML: {error.problem or error}") from None
        except yaml.YAMLError as error:
            raise FrontMatterError(self._first_line, f"the front matter is not valid YAML: {error}") from None
        finally:
            self._loader.dispose()

    def _value(self, node: Node, path: Path_, enclosing: frozenset[int]) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise FrontMatterError(self._line(node), f"the front matter holds more than {MAX_VALUES} values")
        if id(node) in enclosing:  # an alias to a collection holding it: no finite value
            raise FrontMatterError(self._line(node), "this value contains itself (a recursive YAML alias)")
        if isinstance(node, MappingNode):
            return self._mapping(node, path, enclosing | {id(node)})
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines.setdefault((*path, index), self._line(item))
                items.append(self._value(item, (*path, index), enclosing | {id(node)}))
            return items
        if (
            isinstance(node, ScalarNode)
            and node.style is None
            and node.tag in _IMPLICIT_NON_TEXT
            and self._keep_text(path)
        ):
            return node.value
        return self._loader.construct_object(node)

    def _mapping(self, node: MappingNode, path: Path_, enclosing: frozenset[int]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise FrontMatterError(self._line(key_node), "a key must be a plain name")
            key = str(key_node.value)
            if key in values:
                first = self.lines[(*path, key)]
                raise FrontMatterError(self._line(key_node), f"`{key}` is set twice (first on line {first})")
            self.lines[(*path, key)] = self._line(key_node)
            values[key] = self._value(value_node, (*path, key), enclosing)
        return values
