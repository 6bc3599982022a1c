"""Errors a user sees. Every message is in Dutch and says where the problem is."""

from __future__ import annotations

from pathlib import Path


class HicError(Exception):
    """A problem the user can act on; the CLI prints the message and exits non-zero."""


class InputError(HicError):
    """Bad input: names the file, the line and the field."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", regel {self.line}"
        if self.field is not None:
            where += f", veld '{self.field}'"
        return f"{where}: {self.message}"
