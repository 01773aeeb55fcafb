"""Read a YAML or JSON file and remember the line each value starts on.

Imports report every bad row by line and field, so the loader keeps a map
from a value's path (``(3, "references", 0, "title")``) to its 1-based line:
for YAML from the node tree of :func:`yaml.compose` (start marks), for JSON
from a small scanner over the already validated text. A mapping entry maps to
its key's line, a sequence item to the item's first line.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]
_SPACE = re.compile(r"[ \t\n\r]*")


class DocumentSyntaxError(Exception):
    """Raised when a file is not valid YAML or JSON, from :func:`load_located`."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class LocatedDocument:
    """Parsed data and the line of each path in it."""

    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its closest ancestor that is in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None


def _yaml_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int], seen: set[int]) -> None:
    if id(node) in seen:  # an alias: its lines are those of its anchor (and no blow-up)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*loc, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            _yaml_lines(value_node, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _yaml_lines(item, (*loc, index), lines, seen)


def _load_yaml(text: str) -> LocatedDocument:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DocumentSyntaxError(f"invalid YAML: {error.problem or error}", line) from error
    except (yaml.YAMLError, RecursionError) as error:
        raise DocumentSyntaxError(f"invalid YAML: {error}", None) from error
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {(): 1}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _yaml_lines(node, (), lines, set())
    return LocatedDocument(data, lines)


class _JsonLines:
    """Walks valid JSON text, noting where each value (or object key) starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.lines: dict[Loc, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, loc: Loc) -> int:
        pos = self.skip(pos)
        self.lines.setdefault(loc, self.line(pos))
        char = self.text[pos]
        if char == "{":
            return self.container(pos + 1, "}", loc, keyed=True)
        if char == "[":
            return self.container(pos + 1, "]", loc, keyed=False)
        _, end = self.decoder.raw_decode(self.text, pos)
        return int(end)

    def container(self, pos: int, close: str, loc: Loc, *, keyed: bool) -> int:
        pos = self.skip(pos)
        index = 0
        while self.text[pos] != close:
            if keyed:
                key_pos = pos
                key, pos = self.decoder.raw_decode(self.text, pos)
                child: Loc = (*loc, key)
                self.lines[child] = self.line(key_pos)
                pos = self.skip(pos) + 1  # the colon
            else:
                child = (*loc, index)
            pos = self.skip(self.value(pos, child))
            index += 1
            if self.text[pos] == ",":
                pos = self.skip(pos + 1)
        return pos + 1


def _load_json(text: str) -> LocatedDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentSyntaxError(f"invalid JSON: {error.msg}", error.lineno) from error
    except RecursionError as error:
        raise DocumentSyntaxError("invalid JSON: nested too deeply", None) from error
    walker = _JsonLines(text)
    try:
        walker.value(0, ())
    except RecursionError:  # deeper than any import needs: report lines of the top only
        return LocatedDocument(data, {(): 1})
    return LocatedDocument(data, walker.lines)


def load_located(text: str, *, fmt: str) -> LocatedDocument:
    """Parse ``text`` as ``"json"`` or ``"yaml"`` with its line map."""
    return _load_json(text) if fmt == "json" else _load_yaml(text)


def read_located(path: Path) -> LocatedDocument:
    """Read a ``.json`` file as JSON and anything else as YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DocumentSyntaxError("the file is not UTF-8 text", None) from error
    except OSError as error:
        raise DocumentSyntaxError(f"cannot read the file: {error.strerror}", None) from error
    return load_located(text, fmt="json" if path.suffix.lower() == ".json" else "yaml")
