"""What ``syndicate publish`` prints: a progress line per file (stdout), each problem as
``file:line: /pointer message`` (stderr; ``file: /pointer message`` when the API refused it),
and a summary. Every line goes through a ``Terminal`` that masks the API key, whatever a message
(or a misbehaving server echoing a header back) carries, and shows control characters as
escapes, so neither a file name nor an answer can drive the writer's terminal.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from syndicate_dev.publishing.changes import FieldChange
from syndicate_dev.publishing.publisher import FileResult, Outcome

MASK = "********"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
VALUE_WIDTH = 70


class Terminal:
    def __init__(self, secrets: Iterable[str] = (), out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._secrets = [secret for secret in secrets if secret]
        self._out = out
        self._err = err

    def add_secret(self, secret: str) -> None:
        if secret:
            self._secrets.append(secret)

    def say(self, text: str) -> None:
        print(self._masked(text), file=self._out or sys.stdout, flush=True)

    def warn(self, text: str) -> None:
        print(self._masked(text), file=self._err or sys.stderr, flush=True)

    def _masked(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _CONTROL.sub(lambda control: f"\\x{ord(control[0]):02x}", text)


def problem_lines(result: FileResult) -> list[str]:
    path = result.article.path
    found = [_said(f"{path}:{v.line}" if v.line else path, v.pointer, v.message) for v in result.article.violations]
    problem = result.problem
    if problem is not None:
        found += [_said(path, v.pointer, v.message) for v in problem.violations]
        if not problem.violations:
            title = f" {problem.title}" if problem.title else ""
            found.append(f"{path}: {problem.detail} (HTTP {problem.status}{title})")
    return found


def _said(where: str, pointer: str, message: str) -> str:
    return f"{where}: {pointer} {message}" if pointer else f"{where}: {message}"


def progress_line(result: FileResult) -> str:
    article = result.article
    line = f"{result.outcome.value:<12}  {article.path}"
    if result.outcome is Outcome.INVALID:
        count = len(article.violations)
        return f"{line}  ({count} error{'s' if count != 1 else ''}, not sent)"
    line += f" -> {article.article_id}"
    if result.outcome is Outcome.UPDATED and result.changes:
        line += f"  ({', '.join(change.field for change in result.changes)})"
    return line


def change_lines(result: FileResult) -> list[str]:
    """Field by field, what a dry run would change in an existing article."""
    if result.outcome is not Outcome.WOULD_UPDATE:
        return []
    return [f"    {change.field}: {_change(change)}" for change in result.changes]


def _change(change: FieldChange) -> str:
    if change.after is None:
        return "removed"
    if change.field == "body" and isinstance(change.before, str) and isinstance(change.after, str):
        diff = list(difflib.unified_diff(change.before.splitlines(), change.after.splitlines(), lineterm="", n=0))
        added = sum(1 for row in diff if row.startswith("+") and not row.startswith("+++"))
        removed = sum(1 for row in diff if row.startswith("-") and not row.startswith("---"))
        return f"{added} line{'s' if added != 1 else ''} added, {removed} removed"
    if change.before is None:
        return f"(none) -> {_shown(change.after)}"
    return f"{_shown(change.before)} -> {_shown(change.after)}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def summary_line(results: Sequence[FileResult], *, dry_run: bool) -> str:
    counts = Counter(result.outcome for result in results)
    parts = [f"{counts[outcome]} {outcome.value}" for outcome in Outcome if counts[outcome]]
    total = len(results)
    line = f"{total} file{'s' if total != 1 else ''}: {', '.join(parts) or 'nothing to do'}"
    return line + " (dry run: nothing was sent)" if dry_run else line


def report(terminal: Terminal, result: FileResult) -> None:
    if result.failure is not None:
        terminal.warn(f"syndicate publish: {result.failure}")
    for line in problem_lines(result):
        terminal.warn(line)
    terminal.say(progress_line(result))
    for line in change_lines(result):
        terminal.say(line)
