"""Dutch for the texts that come from Typer (and the Click code it carries), via gettext.

One catalogue, ``locale/nl/LC_MESSAGES/messages.po`` (compiled to ``messages.mo`` beside it;
``make translations`` rebuilds it), holds the Dutch for:

- the texts Typer marks for translation with gettext (panel titles "Options", "Arguments",
  "Commands", "[default: …]", "[required]", "Missing command." …). Typer calls
  ``gettext.gettext`` in the default domain, so :func:`install` binds that domain to our
  folder and selects Dutch through ``LANGUAGE`` (the gettext variable for the message
  language): no system locale is needed, Python's gettext reads the ``.mo`` file itself;
- the texts of the Click code that Typer 0.29 carries inside itself (``typer._click``), which
  are not marked for gettext: the help option's "Show this message and exit.", the
  "Usage: " prefix, "[OPTIONS]", type names such as ``<list[str]>``, and the usage errors.
  Those are put in Dutch by our own command classes (:class:`DutchCommand`,
  :class:`DutchGroup`) and by :func:`show_usage_error`, which renders a usage error from the
  exception's fields; every Dutch text is looked up in the same catalogue.

Usage errors exit with code 2.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOCALEDIR = Path(__file__).parent / "locale"
DOMAIN = "messages"  # the gettext domain Typer's ``_`` uses (the default one)
LANGUAGE = "nl"


def install() -> None:
    """Make Typer's gettext calls answer in Dutch (call before Typer renders anything)."""
    os.environ["LANGUAGE"] = LANGUAGE
    gettext.bindtextdomain(DOMAIN, str(LOCALEDIR))


install()

_catalogue = gettext.translation(DOMAIN, str(LOCALEDIR), languages=[LANGUAGE], fallback=True)


def _(message: str) -> str:
    """The Dutch of ``message`` (an English msgid of the catalogue)."""
    return _catalogue.gettext(message)


# Imported after install(): Typer evaluates some gettext texts when its modules load.
import typer  # noqa: E402
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption  # noqa: E402

OPTIONS_METAVAR = _("[OPTIONS]")
SUBCOMMAND_METAVAR = _("COMMAND [ARGS]...")

# --- help screens ----------------------------------------------------------------------------

_TYPE = re.compile(r"^<(?P<label>.*)>(?P<more>(\.\.\.)?)$")
_LIST = re.compile(r"^list\[(?P<item>.*)\]$")


def dutch_type(display: str | None) -> str | None:
    """``<list[str]>`` -> ``<tekst> (herhaalbaar)``; names of types in Dutch."""
    if not display:
        return display
    found = _TYPE.match(display)
    if not found:
        return display
    label, more = found.group("label"), found.group("more")
    listed = _LIST.match(label)
    if listed:
        return f"<{_(listed.group('item').lower())}> {_('(repeatable)')}"
    if "|" in label:  # choices: the values themselves
        return display
    if label == "bool":
        return ""
    return f"<{_(label)}>{'…' if more else ''}"


class DutchArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return dutch_type(super().display_type_rich(ctx))


class DutchOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar
        return dutch_type(super().display_type_rich(ctx))


def _dutch_param(param: Any) -> None:
    # Typer builds its parameter objects itself; they get our subclass, which only changes
    # how the type is shown (no state of its own).
    if type(param) is TyperArgument:
        param.__class__ = DutchArgument
    elif type(param) is TyperOption:
        param.__class__ = DutchOption


class DutchCommandMixin:
    """Help option, usage line and type names in Dutch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # type: ignore[attr-defined]
            _dutch_param(param)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
            _dutch_param(option)
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))


class DutchCommand(DutchCommandMixin, TyperCommand):
    pass


class DutchGroup(DutchCommandMixin):
    """For command groups (the root group mixes in the error handler as well)."""


class DutchTyperGroup(DutchGroup, TyperGroup):
    pass


class DutchTyper(typer.Typer):
    """A Typer whose commands are :class:`DutchCommand` unless told otherwise."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        return super().command(*args, cls=cls or DutchCommand, **kwargs)


# --- usage errors ----------------------------------------------------------------------------

# pydantic's error types (Typer converts values with pydantic) -> Dutch, with its context
_PYDANTIC = {
    "int_parsing": "{input!r} is not a whole number.",
    "int_from_float": "{input!r} is not a whole number.",
    "int_type": "{input!r} is not a whole number.",
    "float_parsing": "{input!r} is not a number.",
    "float_type": "{input!r} is not a number.",
    "bool_parsing": "{input!r} is not yes or no (use true/false, 1/0).",
    "greater_than_equal": "{input!r} must be at least {ge}.",
    "greater_than": "{input!r} must be greater than {gt}.",
    "less_than_equal": "{input!r} must be at most {le}.",
    "less_than": "{input!r} must be less than {lt}.",
    "finite_number": "{input!r} is not a finite number.",
    "date_from_datetime_parsing": "{input!r} is not a date.",
    "date_parsing": "{input!r} is not a date.",
    "enum": "{input!r} is not one of {expected}.",
    "literal_error": "{input!r} is not one of {expected}.",
    "string_too_long": "the value is too long (at most {max_length} characters).",
}


def _from_pydantic(exc: BaseException) -> str | None:
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if errors is None:
        return None
    try:
        first = errors()[0]
    except Exception:  # noqa: BLE001
        return None
    template = _PYDANTIC.get(first.get("type", ""))
    if template is None:
        return None
    fields = {"input": first.get("input"), **(first.get("ctx") or {})}
    try:
        return _(template).format(**fields)
    except (KeyError, IndexError, ValueError):
        return None


def _param_hint(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        hint = exc.param.get_error_hint()
    if hint is None:
        return ""
    if not isinstance(hint, str):
        hint = " / ".join(repr(h) for h in hint)
    return hint


# English texts Typer builds with values in them -> the catalogue's msgid with placeholders
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?P<label>\w+) (?P<loc>'.*') does not exist\."), "{label} {loc} does not exist."),
    (re.compile(r"(?P<label>\w+) (?P<loc>'.*') is a file\."), "{label} {loc} is a file."),
    (re.compile(r"(?P<label>\w+) (?P<loc>'.*') is a directory\."), "{label} {loc} is a directory."),
    (
        re.compile(r"(?P<label>\w+) (?P<loc>'.*') is not readable\."),
        "{label} {loc} is not readable.",
    ),
    (
        re.compile(r"(?P<label>\w+) (?P<loc>'.*') is not writable\."),
        "{label} {loc} is not writable.",
    ),
    (
        re.compile(r"(?P<value>.*) is not one of (?P<choices>.*)\."),
        "{value} is not one of {choices}.",
    ),
    (
        re.compile(r"Value (?P<value>.*) is not a valid (?P<label>\w+)\."),
        "Value {value} is not a valid {label}.",
    ),
    (
        re.compile(r"Option (?P<name>'.*') does not take a value\."),
        "Option {name} does not take a value.",
    ),
    (
        re.compile(r"Option (?P<name>'.*') requires an argument\."),
        "Option {name} requires an argument.",
    ),
    (
        re.compile(r"Option (?P<name>'.*') requires (?P<n>\d+) arguments\."),
        "Option {name} requires {n} arguments.",
    ),
    (
        re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)"),
        "Got unexpected extra argument(s) ({args})",
    ),
    (re.compile(r"No such command (?P<name>'.*')\.(?P<rest>.*)"), "No such command {name}.{rest}"),
    (re.compile(r"Missing command\."), "Missing command."),
]


def translate_message(text: str) -> str:
    """The Dutch of an English text Typer built (its msgid, with the values put back)."""
    direct = _(text)
    if direct != text:
        return direct
    for pattern, msgid in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            groups = found.groupdict()
            for key in ("label",):
                if key in groups:
                    groups[key] = _(groups[key])
            if "rest" in groups and groups["rest"]:
                groups["rest"] = " " + _translate_suggestion(groups["rest"].strip())
            return _(msgid).format(**groups)
    return text


def _translate_suggestion(text: str) -> str:
    found = re.fullmatch(r"Did you mean (?P<names>.*)\?", text)
    if found:
        return _("Did you mean {names}?").format(names=found.group("names"))
    return text


_MISSING = {
    "argument": "Missing argument {name}.",
    "option": "Missing option {name}.",
    "parameter": "Missing parameter {name}.",
}


def usage_error_message(exc: Any) -> str:
    """The Dutch message of a Typer/Click usage error, from the exception's fields."""
    name = type(exc).__name__
    if name == "NoSuchOption":
        text = _("No such option: {name}").format(name=exc.option_name)
        if exc.possibilities:
            text += " " + _("(Possible options: {options})").format(
                options=", ".join(sorted(exc.possibilities))
            )
        return text
    if name == "MissingParameter":
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        template = _MISSING.get(kind, _MISSING["parameter"])
        return _(template).format(name=_param_hint(exc))
    if name == "BadParameter":
        detail = _from_pydantic(exc) or translate_message(exc.message)
        hint = _param_hint(exc)
        if hint:
            return _("Invalid value for {name}: {detail}").format(name=hint, detail=detail)
        return _("Invalid value: {detail}").format(detail=detail)
    message = getattr(exc, "message", str(exc))
    return _from_pydantic(exc) or translate_message(message)


def show_usage_error(
    exc: Any, console: Any, cap: Callable[[str], str], program: str = "hic"
) -> int:
    """Print a usage error in Dutch (usage line, hint, message); its exit code (2).

    ``program``: the command's name, for the hint when the error does not know its command.
    """
    from rich.markup import escape

    code = int(getattr(exc, "exit_code", 2))
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":  # the help itself (printed when rich)
        text = exc.format_message()
        if text.strip():
            console.print(text, highlight=False, markup=False)
        return code
    if ctx is not None:
        console.print(cap(ctx.get_usage()), highlight=False, markup=False)
        if ctx.command.get_help_option(ctx) is not None:
            console.print(
                _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                ),
                highlight=False,
                markup=False,
            )
    else:
        console.print(
            _("Try '{command} {option}' for help.").format(command=program, option="--help"),
            highlight=False,
            markup=False,
        )
    message = cap(usage_error_message(exc))
    console.print(f"[bold red]{escape(_('Error'))}:[/] {escape(message)}", highlight=False)
    return code
