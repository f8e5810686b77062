"""The project's own error: one line, ``path:line[:col]: message``, no traceback."""

from __future__ import annotations

import os


class PressroomError(Exception):
    """A problem in an input a person can fix (content, catalogue, layout, option).

    ``str(error)`` is the one line printed on stderr: ``path:line:col: message``.
    """

    def __init__(self, message: str, path: str | os.PathLike | None = None,
                 line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line
        self.col = col

    def __reduce__(self):  # keep path and line when raised in a worker process
        return (self.__class__, (self.message, self.path, self.line, self.col))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.col:
                    where += f":{self.col}"
            where += ": "
        return where + self.message


class ContentError(PressroomError):
    """Invalid content YAML (syntax or schema)."""


class CatalogError(PressroomError):
    """A broken or unusable ``.po``/``.pot`` file."""


class MarkupError(PressroomError):
    """Inline markup that cannot be converted (unknown footnote, raw HTML...)."""


class RenderError(PressroomError):
    """A layout, template or WeasyPrint problem."""


class ConfigError(PressroomError):
    """Bad ``[tool.pressroom]`` configuration or command-line option."""
