"""One exception tree for the whole tool, rooted at :class:`DigestError`.

Every message is one line that names the thing at fault and, where there is
one, the fix. The CLI turns these into a message on stderr and an exit code;
nothing here prints.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes (after httpie's ``ExitStatus``)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    NOTHING_USABLE = 3
    TOO_LARGE = 4
    SEND_FAILED = 5


class DigestError(Exception):
    """Base class: something the user can fix, explained in one line."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None):
        self.message = message
        self.path = path
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"{self.path}: {self.message}" if self.path else self.message]
        if self.fix:
            parts.append(self.fix)
        return "; ".join(parts)


class IngestError(DigestError, ValueError):
    """An input could not be read as an article."""


class NothingUsableError(DigestError):
    """No input gave a usable article."""

    exit_status = ExitStatus.NOTHING_USABLE


class ConfigError(DigestError, ValueError):
    """A setting or option has a wrong value."""

    exit_status = ExitStatus.USAGE


class RenderError(DigestError):
    """An output could not be rendered."""


class TemplateNotFoundError(RenderError):
    """A template was not found in any template folder."""


class OutputTooLargeError(RenderError):
    """An output is larger than a client will show whole."""

    exit_status = ExitStatus.TOO_LARGE


def printable(text: str) -> str:
    """``text`` (a file name, a URL, a message naming them) as one printable line.

    A file name that is not UTF-8 reaches Python as surrogate escapes: each
    such byte is shown as ``\\xNN``; any other character that is not
    printable (a line break, an escape) as its escape (``\\x1b``, ``\\u2028``),
    so it is shown, never obeyed.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        else:
            width = "x02" if code < 0x100 else "u04" if code < 0x10000 else "U08"
            out.append(f"\\{width[0]}{code:{width[1:]}x}")
    return "".join(out)
