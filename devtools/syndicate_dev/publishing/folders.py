"""The Markdown files named on the command line: files as given, folders searched recursively."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

SUFFIX = ".md"


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as the writer named it (or the folder they named, joined with the rest)
    relative: PurePath  # to the folder given (to its own folder for a file given by name): ids come from it


def markdown_files(arguments: Sequence[str]) -> tuple[list[SourceFile], list[str]]:
    """Every ``.md`` file the arguments name, each once, in a stable order; and what was wrong.

    Hidden files and folders (``.git``, ``.obsidian``) are skipped, and symbolic links to folders
    are not followed, so a folder cannot lead the search out of itself or round in a loop.
    """
    found: list[SourceFile] = []
    problems: list[str] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            in_folder = _in_folder(path)
            if not in_folder:
                problems.append(f"{argument}: no {SUFFIX} files in this folder")
            found.extend(in_folder)
        elif path.is_file():
            if path.suffix.lower() != SUFFIX:
                problems.append(f"{argument}: not a Markdown file ({SUFFIX})")
            else:
                found.append(SourceFile(path, PurePath(path.name)))
        else:
            problems.append(f"{argument}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for source in found:
        if source.path.resolve() not in seen:
            seen.add(source.path.resolve())
            unique.append(source)
    return unique, problems


def _in_folder(folder: Path) -> list[SourceFile]:
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(SUFFIX) and not name.startswith("."):
                path = Path(directory) / name
                found.append(SourceFile(path, path.relative_to(folder)))
    return found
