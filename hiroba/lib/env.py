"""Typed readers for environment variables, used by the Django settings module.

Settings fail fast: a missing or malformed variable raises :class:`EnvError` naming
the variable, at startup, instead of surfacing later as a confusing runtime error.

Conventions shared by every reader:

* ``environ`` defaults to ``os.environ``; tests pass a plain dict.
* A variable set to an empty (or whitespace-only) string counts as *unset*, because
  ``FOO=`` in an env file or a compose file almost always means "not configured".
* Without a default, an unset variable raises ``EnvError("FOO is required")``.
* Defaults are returned as given (not parsed or range-checked), so ``default=None``
  works for optional settings.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar

_Default = TypeVar("_Default")

_TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class EnvError(Exception):
    """A required environment variable is missing or malformed (a deployment error)."""


class _Missing(enum.Enum):
    """Sentinel type: an enum member is a true singleton that type checkers understand."""

    MISSING = enum.auto()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing.MISSING
"""Default for "no default": the variable is required."""


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = _environ(environ).get(name)
    if value is None or not value.strip():
        return None
    return value


def _missing(name: str, default: _Default | _Missing) -> _Default:
    if default is MISSING:
        raise EnvError(f"{name} is required")
    return default


def env_str(
    name: str, default: _Default | _Missing = MISSING, *, environ: Mapping[str, str] | None = None
) -> str | _Default:
    """Return the variable unchanged (not stripped: the value may be meaningful as is)."""
    value = _raw(name, environ)
    return _missing(name, default) if value is None else value


def env_bool(
    name: str, default: _Default | _Missing = MISSING, *, environ: Mapping[str, str] | None = None
) -> bool | _Default:
    """Parse true/false/1/0/yes/no/on/off (any case); anything else is a typo to report."""
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    word = value.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise EnvError(f"{name} must be one of true/false/1/0/yes/no/on/off, got {value!r}")


def env_int(
    name: str,
    default: _Default | _Missing = MISSING,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int | _Default:
    """Parse a base-10 integer and check the optional inclusive bounds."""
    value = _raw(name, environ)
    if value is None:
        return _missing(name, default)
    try:
        number = int(value.strip(), 10)
    except ValueError:
        raise EnvError(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name} must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise EnvError(f"{name} must be at most {maximum}, got {number}")
    return number


def env_list(
    name: str,
    default: Sequence[str] | _Missing = MISSING,
    *,
    separator: str = ",",
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Split on ``separator``, strip items and drop empty ones ("a, b,,c," -> a, b, c)."""
    if not separator:
        raise ValueError("separator must not be empty")
    value = _raw(name, environ)
    if value is None:
        return list(_missing(name, default))
    return [item.strip() for item in value.split(separator) if item.strip()]


def env_secret(
    name: str, default: _Default | _Missing = MISSING, *, environ: Mapping[str, str] | None = None
) -> str | _Default:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    The ``_FILE`` form is how Docker/Kubernetes secrets are mounted, keeping secrets out
    of the process environment. Setting both is ambiguous and rejected. A trailing
    newline (which editors and ``echo`` add) is stripped; an empty file is an error
    because an operator who points at a file clearly meant to provide a value.
    """
    file_name = f"{name}_FILE"
    value = _raw(name, environ)
    path = _raw(file_name, environ)
    if value is not None and path is not None:
        raise EnvError(f"set only one of {name} and {file_name}")
    if value is not None:
        return value
    if path is None:
        return _missing(name, default)
    return _read_secret_file(file_name, Path(path))


def _read_secret_file(file_name: str, path: Path) -> str:
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvError(f"{file_name} points to {str(path)!r}, which cannot be read: {exc}") from exc
    secret = content.rstrip("\r\n")
    if not secret:
        raise EnvError(f"{file_name} points to {str(path)!r}, which is empty")
    return secret
