"""Markdown to safe HTML, once, at ingest: CommonMark via markdown-it-py, then nh3 (ammonia).

What a body may cost is bounded, not only its length (the request's 1 MB):

* **Parsing work.** markdown-it-py is pure Python: its time follows the rule attempts, tokens,
  inline parses and emphasis delimiters a body makes, and Markdown made of punctuation (runs of
  ``[`` or ``![``, tables of tiny cells, one-character list items) costs hundreds of times what
  prose of the same size does. Every rule is metered in units (about a quarter of a microsecond
  each here): a body may spend ``BASE_WORK`` plus ``WORK_PER_CHARACTER`` per character, and is
  refused as soon as it has spent more, so a refusal spends no more than the largest acceptance. Prose
  spends almost nothing; the densest sample articles (headings, lists and small tables every few
  lines) spend 7 to 7.5 units a character, so they are accepted up to about 180,000 characters.
  The table and list rules, which read a whole table or list in one call, are handed only the
  lines the units left can pay for. ``bench/limits.py`` measures the worst bodies still accepted.
  markdown-it's own ``maxNesting`` (20 in the CommonMark preset) bounds block and inline nesting.
* **Raw HTML nesting.** nh3 parses with html5ever, which for each block element scans the stack
  of open elements: a body of unclosed ``<div>`` costs quadratic time. Raw HTML (what Markdown
  passes through) may nest ``MAX_HTML_DEPTH`` elements at most, counted conservatively.
* **Output.** The sanitized HTML may take ``MAX_RENDERED_BYTES`` (UTF-8) at most: links gain
  attributes, so HTML can be many times its Markdown.

A refused body raises ``BodyRefused`` with the reason, which the API shows under ``/body``.
markdown-it is imported on first use: only writes render, so reads do not pay for it at cold start.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Tags a feed reader or an inbox can show; no script, style, iframe, form or event handler survives.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

MAX_RENDERED_BYTES = 2_000_000
MAX_HTML_DEPTH = 50
BASE_WORK = 1_000_000
WORK_PER_CHARACTER = 2
# A safety net for inputs no one has found yet: past this, rendering stops whatever the units say.
DEADLINE_SECONDS = 5.0

# What a rule attempt, a token, an inline parse and an emphasis delimiter cost, in units of about
# a quarter of a microsecond here (fitted to the cases of bench/limits.py, so that a unit costs
# about the same time whatever spends it). Every attempt costs the default of its kind; a named
# inline rule that starts on its own character costs more, and a named rule that matched pays
# for its success and for each character it consumed (a link's destination is parsed,
# normalised and percent-encoded character by character).
_BLOCK_RULE_COST = 3
_INLINE_CHAIN_COST = 20  # every inline rule tried at a character the text rule stops at
_RULE_COSTS = {  # name: (the character it starts on, attempt on it, success, per character consumed)
    "fence": ("", 0, 60, 0),
    "reference": ("", 0, 200, 0),
    "lheading": ("", 0, 100, 0),
    "heading": ("", 0, 40, 0),
    "link": ("[", 100, 150, 4),
    "image": ("!", 60, 150, 4),
    "autolink": ("<", 30, 150, 4),
    "backticks": ("`", 40, 0, 0),
    "entity": ("&", 4, 10, 0),
    "newline": ("\n", 1, 40, 0),
}
# Tokens some rules make carry more than others (a list item is a nested block parse; a table
# cell has attributes and an inline run of its own).
_LIST_TOKEN_COST = 20
_LIST_LINE_COST = 130  # what an item takes at most per line: its tokens and its nested parse
_TOKEN_COST = 5  # each token a rule makes (and the renderer then writes out)
_TABLE_SCAN_COST = 6  # each character of a line the table rule reads as a possible delimiter row
_TABLE_TOKEN_COST = 16  # each token of a table row (cells carry more than other tokens)
_INLINE_PARSE_COST = 35  # each inline run parsed on its own (a paragraph, a heading, a table cell)
_DELIMITER_COST = 30  # each emphasis delimiter, paid when its run is read
_EMPHASIS_RUN = re.compile(r"\*+|_+")


class BodyRefused(ValueError):
    """The body cannot be rendered within the limits; the message says which and why."""


class _Work:
    """Units a render may still spend, and the moment it must stop in any case."""

    __slots__ = ("deadline", "left", "timer")

    def __init__(self, units: int, timer: Callable[[], float]) -> None:
        self.left = units
        self.timer = timer
        self.deadline = timer() + DEADLINE_SECONDS

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise BodyRefused(
                "has more Markdown structure than Syndicate renders for its length (so many links, "
                "emphasis marks, list items or table cells in so few characters); simplify it"
            )
        if self.left & 0xFFF < units and self.timer() > self.deadline:
            raise BodyRefused(f"takes longer than {DEADLINE_SECONDS:g} s to render; simplify it")


def _metered_block(rule: Callable[..., Any], success: int = 0) -> Callable[..., Any]:
    """A block rule paying ``_BLOCK_RULE_COST`` per attempt, and ``success`` and its tokens when it matched."""

    def metered(state: Any, start: int, end: int, silent: bool) -> Any:
        work = state.env["work"]
        work.spend(_BLOCK_RULE_COST)
        made = len(state.tokens)
        matched = rule(state, start, end, silent)
        if matched:
            work.spend(success + _TOKEN_COST * (len(state.tokens) - made))
        return matched

    return metered


def _metered_inline(
    rule: Callable[..., Any],
    start: str = "",
    attempt: int = 0,
    success: int = 0,
    per_character: int = 0,
    missed: int = 0,
) -> Callable[..., Any]:
    """An inline rule paying ``attempt`` when it is at its ``start`` character; then, when it
    matched, ``success``, its tokens and ``per_character`` for each character it consumed, and
    ``missed`` when it did not."""

    def metered(state: Any, silent: bool) -> Any:
        work = state.env["work"]
        position = state.pos
        if start and state.src.startswith(start, position):
            work.spend(attempt)
        made = len(state.tokens)
        matched = rule(state, silent)
        if matched:
            work.spend(success + _TOKEN_COST * (len(state.tokens) - made) + per_character * (state.pos - position))
        elif missed:
            work.spend(missed)
        return matched

    return metered


def _metered_emphasis(rule: Callable[..., Any]) -> Callable[..., Any]:
    """The emphasis rule, paying for every delimiter of a run before it reads the run."""

    def metered(state: Any, silent: bool) -> Any:
        run = _EMPHASIS_RUN.match(state.src, state.pos)
        if run:
            state.env["work"].spend(_DELIMITER_COST * len(run.group()))
        return rule(state, silent)

    return metered


def _metered_lines(
    rule: Callable[..., Any], per_line: Callable[[Any, int], int], token: int, scan: Callable[[Any, int], int]
) -> Callable[..., Any]:
    """A block rule that reads many lines in one call (a table, a list), held to the lines the
    remaining units can pay for.

    It is handed no more lines than the units left can pay for at ``per_line(state, start)``
    each, and a block that runs to that line refuses the body before more is spent on it; the
    tokens it made are then paid at ``token`` each, and ``scan(state, start)`` up front for what
    it reads before it knows whether it matches. A table row as short as ``|`` gets every column
    of the header (markdown-it fills in up to 65,536 cells); a list item is a nested block parse.
    """

    def metered(state: Any, start: int, end: int, silent: bool) -> Any:
        work = state.env["work"]
        work.spend(_BLOCK_RULE_COST + scan(state, start))
        last = min(end, start + 2 + work.left // per_line(state, start))
        made = len(state.tokens)
        matched = rule(state, start, last, silent)
        if matched and not silent:
            if last < end and state.line >= last:
                work.spend(work.left + 1)  # the block goes on past what the body can pay for
            work.spend(token * (len(state.tokens) - made))
        return matched

    return metered


def _table_row_cost(state: Any, start: int) -> int:
    return _TABLE_TOKEN_COST * (3 * _column_bound(state, start) + 2)


def _table_scan_cost(state: Any, start: int) -> int:
    return _TABLE_SCAN_COST * _delimiter_row_length(state, start)


def _list_line_cost(state: Any, start: int) -> int:
    return _LIST_LINE_COST


def _no_scan(state: Any, start: int) -> int:
    return 0


def _delimiter_row_length(state: Any, start: int) -> int:
    """The length of the line after ``start`` if it could be a table's delimiter row (which the
    rule then reads character by character), else 0."""
    line = start + 1
    if line >= state.lineMax:
        return 0
    begin = state.bMarks[line] + state.tShift[line]
    return int(state.eMarks[line] - begin) if state.src[begin : begin + 1] in ("|", "-", ":") else 0


def _column_bound(state: Any, start: int) -> int:
    """At least as many columns as a table starting at line ``start`` can have (its header's)."""
    line = start + 1
    if line >= state.lineMax:
        return 1
    return int(state.src.count("|", state.bMarks[line], state.eMarks[line])) + 1


def _metered_inline_parses(rule: Callable[..., Any]) -> Callable[..., Any]:
    def metered(state: Any) -> Any:
        state.env["work"].spend(_INLINE_PARSE_COST * sum(token.type == "inline" for token in state.tokens))
        return rule(state)

    return metered


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "commonmark" preset with tables; raw HTML in the Markdown is passed on and then sanitized.
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    _meter_block_rules(md.block.ruler)
    _meter_inline_rules(md.inline.ruler)
    _wrap_rule(md.core.ruler, "inline", _metered_inline_parses)
    return md


def _meter_block_rules(ruler: Any) -> None:
    """Every block rule pays for each attempt and for what it made (alternatives kept)."""
    for rule in list(ruler.__rules__):
        if rule.name == "table":
            metered = _metered_lines(rule.fn, _table_row_cost, _TABLE_TOKEN_COST, _table_scan_cost)
        elif rule.name == "list":
            metered = _metered_lines(rule.fn, _list_line_cost, _LIST_TOKEN_COST, _no_scan)
        else:
            metered = _metered_block(rule.fn, _RULE_COSTS.get(rule.name, ("", 0, 0, 0))[2])
        ruler.at(rule.name, metered, {"alt": list(rule.alt)})


def _meter_inline_rules(ruler: Any) -> None:
    """The text rule, tried first at every position, pays for the whole chain wherever it stops
    (``_INLINE_CHAIN_COST``); the named rules pay what they cost beyond that; the others run as
    they are, so that metering adds no call to the cheapest attempts."""
    for rule in list(ruler.__rules__):
        if rule.name == "text":
            metered = _metered_inline(rule.fn, missed=_INLINE_CHAIN_COST)
        elif rule.name == "emphasis":
            metered = _metered_emphasis(rule.fn)
        elif rule.name in _RULE_COSTS:
            metered = _metered_inline(rule.fn, *_RULE_COSTS[rule.name])
        else:
            continue
        ruler.at(rule.name, metered, {"alt": list(rule.alt)})


def _wrap_rule(ruler: Any, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    [rule] = [rule for rule in ruler.__rules__ if rule.name == name]
    ruler.at(name, wrap(rule.fn), {"alt": list(rule.alt)})


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """Publisher HTML reduced to what is safe in a feed or an email (links get rel=noopener)."""
    return _CLEANER.clean(html)


def render_body(markdown: str, *, timer: Callable[[], float] = time.perf_counter) -> str:
    """The article body as sanitized HTML; ``BodyRefused`` when it is past a limit."""
    md = _markdown()
    env: dict[str, Any] = {"work": _Work(BASE_WORK + WORK_PER_CHARACTER * len(markdown), timer)}
    tokens = md.parse(markdown, env)
    _check_html_depth(tokens)
    html = sanitize_html(md.renderer.render(tokens, md.options, env))
    size = len(html.encode("utf-8"))
    if size > MAX_RENDERED_BYTES:
        raise BodyRefused(f"renders to {size:,} bytes of HTML, more than the {MAX_RENDERED_BYTES:,} allowed")
    return html


# -- raw HTML nesting -------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track"}
    | {"wbr"}
)
# Elements a parser closes by itself when the next one of a kind starts (implied end tags).
_IMPLIED_END = frozenset(
    {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rp"}
    | {"rtc"}
)


def _raw_html(tokens: list[Token]) -> Iterator[str]:
    """The raw HTML the Markdown passes through, in document order."""
    for token in tokens:
        if token.type == "html_block":
            yield token.content
        elif token.type == "inline":
            yield from (child.content for child in token.children or () if child.type == "html_inline")


def _check_html_depth(tokens: list[Token]) -> None:
    """Refuse raw HTML nested deeper than MAX_HTML_DEPTH. The count errs high, never low: every
    start tag opens an element, and only an end tag for the innermost open one closes it."""
    open_elements: list[str] = []
    for fragment in _raw_html(tokens):
        for closing, name in _TAG.findall(_COMMENT.sub("", fragment)):
            name = name.lower()
            if closing:
                if open_elements and open_elements[-1] == name:
                    open_elements.pop()
            elif name not in _VOID:
                _open(open_elements, name)
                if len(open_elements) > MAX_HTML_DEPTH:
                    raise BodyRefused(f"nests HTML elements more than {MAX_HTML_DEPTH} deep")


def _open(open_elements: list[str], name: str) -> None:
    if name in _IMPLIED_END:
        # <li>a<li>b: the second closes the first (and any implied ones above it).
        for depth in range(len(open_elements) - 1, -1, -1):
            if open_elements[depth] == name:
                del open_elements[depth:]
                break
            if open_elements[depth] not in _IMPLIED_END:
                break
    open_elements.append(name)
