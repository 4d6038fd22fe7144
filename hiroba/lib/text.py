"""Normalisation of free text, phone numbers, postal codes and email addresses.

Everything typed into a form passes through here before validation or storage, so
that "０４５－１２３－４５６７" and "045-123-4567" are the same phone number and a
name pasted with an ideographic space (U+3000) compares equal to one typed with an
ASCII space.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

from hiroba.lib.errors import InputError

# Zero-width characters and C0 controls creep in from copy-paste and are invisible.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
# Dash-like characters people type between digits (after NFKC), incl. the IME's "ー".
_DASHES = "-\u2010\u2012\u2013\u2014\u2015\u2212\u30fc"
_PHONE_NOISE = re.compile(rf"[{re.escape(_DASHES)}\s().]+")
_POSTAL_NOISE = re.compile(rf"[{re.escape(_DASHES)}\s〒]+")
_ELEVEN_DIGIT_PREFIXES = ("020", "050", "060", "070", "080", "090")
_TOLL_FREE_4_DIGIT = ("0120", "0570", "0990")
_TWO_DIGIT_AREA_CODES = ("03", "06")


def clean_text(text: str) -> str:
    """One-line text: NFKC, invisible characters removed, whitespace runs (including
    newlines and U+3000) collapsed to one ASCII space, and stripped."""
    normalized = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(normalized.split())


def clean_multiline(text: str) -> str:
    """Multi-line text (notes, messages): each line cleaned like :func:`clean_text`.

    Line breaks become "\\n", runs of blank lines shrink to one blank line (a
    paragraph break), and leading/trailing blank lines are removed.
    """
    lines = [clean_text(line) for line in text.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def clean_document_text(text: str) -> str:
    """Text that will be published as typed (an evaluation sheet): unlike :func:`clean_multiline`
    no NFKC, so 「（）」, ①, ～ and full-width digits stay as written; only invisible characters go,
    half-width katakana become full-width, line ends are trimmed and blank runs shrink to one."""
    text = jaconv.h2z(_INVISIBLE.sub("", text), kana=True, ascii=False, digit=False)
    kept: list[str] = []
    for line in (line.rstrip() for line in text.splitlines()):
        if line.strip() or (kept and kept[-1]):
            kept.append(line if line.strip() else "")
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def normalize_digits(text: str) -> str:
    """Replace every Unicode decimal digit ("１", "١") with its ASCII digit, nothing else."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def normalize_phone(text: str) -> str:
    """A Japanese phone number as national-format digits only: "0451234567".

    Accepts full-width input, hyphens, spaces, parentheses and "+81" (with or without
    a "(0)"). Valid are 10 digits starting with 0 but not 00 (landlines, 0120,
    0570), and 11 digits starting with 020/050/060/070/080/090 or 0800. A 10-digit
    number with a mobile/IP prefix (e.g. "090" + 7 digits) is rejected because it
    is almost always a mobile number with a digit missing.
    """
    compact = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", text))
    if compact.startswith("+81"):
        national = compact.removeprefix("+81")
        compact = national if national.startswith("0") else "0" + national
    if not (compact.isascii() and compact.isdigit()) or not _is_valid_phone(compact):
        raise InputError("phone_invalid", {"value": text})
    return compact


def _is_valid_phone(digits: str) -> bool:
    if len(digits) == 10:
        return digits.startswith("0") and not digits.startswith(("00", *_ELEVEN_DIGIT_PREFIXES))
    if len(digits) == 11:
        return digits.startswith(_ELEVEN_DIGIT_PREFIXES)  # 0800 is within 080
    return False


def format_phone(digits: str) -> str:
    """Hyphenated phone number for display only; never parse or store this form.

    Mobile/IP and 0800 numbers are split exactly (090-1234-5678, 0800-123-4567), as
    are 0120/0570/0990 (0120-123-456). Landlines are split as 2-4-4 for Tokyo (03)
    and Osaka (06) and 3-3-4 otherwise (045-123-4567). Real area codes are 2 to 5
    digits, so e.g. 0466-12-3456 is shown as 046-612-3456: still dialable, but not
    how the number is usually written.
    """
    number = normalize_phone(digits)
    if len(number) == 11:
        if number.startswith("0800"):
            return f"{number[:4]}-{number[4:7]}-{number[7:]}"
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if number.startswith(_TOLL_FREE_4_DIGIT):
        return f"{number[:4]}-{number[4:7]}-{number[7:]}"
    if number.startswith(_TWO_DIGIT_AREA_CODES):
        return f"{number[:2]}-{number[2:6]}-{number[6:]}"
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


def normalize_postal_code(text: str) -> str:
    """Seven ASCII digits from "〒２２５－０００２", "225-0002", "2250002" and the like."""
    compact = _POSTAL_NOISE.sub("", unicodedata.normalize("NFKC", text))
    if len(compact) != 7 or not (compact.isascii() and compact.isdigit()):
        raise InputError("postal_code_invalid", {"value": text})
    return compact


def format_postal_code(code: str) -> str:
    """The hyphenated form printed on letters and forms: "2250002" -> "225-0002"."""
    digits = normalize_postal_code(code)
    return f"{digits[:3]}-{digits[3:]}"


def normalize_email(text: str) -> str:
    """NFKC, strip, and lowercase the domain (domains are case-insensitive; the local
    part may not be, so it is kept as typed).

    Rejects input without exactly one "@", with an empty local part or domain, with
    whitespace inside, or with a domain that is not dotted labels ("example.jp").
    This is a typo check, not full RFC 5322 validation.
    """
    address = unicodedata.normalize("NFKC", text).strip()
    local, at, domain = address.partition("@")
    labels = domain.split(".")
    if (
        not at
        or "@" in domain
        or not local
        or any(char.isspace() for char in address)
        or len(labels) < 2
        or not all(labels)
    ):
        raise InputError("email_invalid", {"value": text})
    return f"{local}@{domain.lower()}"
