"""Errors a user sees. Every message is in Dutch and says where the problem is."""

from __future__ import annotations

import errno
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


class Interrupted(HicError):
    """The user pressed Ctrl-C (SIGINT): nothing was changed; exit code 130."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__(
            "onderbroken (Ctrl-C); er is niets gewijzigd (een lading die bezig was, is niet "
            "doorgevoerd)"
        )


class InputEnded(HicError):
    """A question of the command (a password, a confirmation) met the end of its input: no
    terminal, or standard input ran out. Click reports it as an abort, like Ctrl-C."""

    def __init__(self) -> None:
        super().__init__(
            "de invoer eindigde voordat een vraag van de opdracht beantwoord was (geen terminal, "
            "of de standaardinvoer was op); er is niets gewijzigd. Start de opdracht in een "
            "terminal of geef het antwoord met een optie (zoals --wachtwoord-stdin)"
        )


def disk_full_message(file: str | Path) -> str:
    return (
        f"{file}: de schijf is vol (of het bestand te groot voor deze schijf); maak ruimte vrij "
        "of kies een andere map, en probeer opnieuw. Er is niets gewijzigd"
    )


def no_access_message(file: str | Path, *, read_only_disk: bool) -> str:
    if read_only_disk:
        return (
            f"{file}: kan hier niet schrijven, de schijf is alleen-lezen; kies een andere map "
            "(bijvoorbeeld met --uit)"
        )
    return (
        f"{file}: geen toegang (geen schrijf- of leesrechten); kies een map waarin u mag "
        "schrijven (bijvoorbeeld met --uit), of laat de rechten aanpassen"
    )


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NO_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS}


def explain_os_error(exc: BaseException) -> HicError | None:
    """A Dutch :class:`HicError` for an operating-system failure, or None.

    Covers what a user meets when files are written or read: a full disk, a folder without
    write permission or on a read-only disk, a missing folder, a path that is a folder, too
    little memory.
    """
    out_of_threads = isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)
    if isinstance(exc, MemoryError) or out_of_threads:
        return HicError(
            "onvoldoende geheugen voor deze opdracht; sluit andere programma's, of kies een "
            "kleinere opdracht (minder gegevens of minder herhalingen). Er is niets gewijzigd"
        )
    if not isinstance(exc, OSError):
        return None
    name = exc.filename if exc.filename is not None else "bestand"
    if exc.errno in _NO_SPACE:
        return HicError(disk_full_message(name))
    if exc.errno in _NO_WRITE:
        return HicError(no_access_message(name, read_only_disk=exc.errno == errno.EROFS))
    if exc.errno == errno.ENOENT:
        return HicError(f"{name}: bestand of map bestaat niet")
    if exc.errno == errno.EISDIR:
        return HicError(f"{name}: dit is een map; geef een bestandsnaam")
    if exc.errno == errno.ENOTDIR:
        return HicError(f"{name}: een deel van dit pad is een bestand, geen map")
    if exc.errno == errno.ENAMETOOLONG:
        return HicError(f"{shorten(str(name))}: bestandsnaam te lang")
    reason = exc.strerror or str(exc)
    return HicError(f"{name}: lezen of schrijven mislukt ({reason})")


ECHO_LIMIT = 200


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was (for echoing input)."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} tekens)".replace(",", ".")
