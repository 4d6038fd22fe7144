"""The single error type for bad user input, and the catalogue of its codes.

lib cannot use Django's gettext, so errors carry a stable ``code`` plus ``params``
and an English default message. The Django layer maps ``code`` to a translated
Japanese message (formatted with ``params``); ``ERROR_CODES`` is the complete list so
that mapping can be checked for completeness by a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ERROR_CODES: dict[str, str] = {
    # wareki.parse_date
    "date_empty": "No date was entered.",
    "date_format": "The date could not be understood.",
    "date_invalid": "The date does not exist in the calendar.",
    "date_weekday_mismatch": "The weekday written after the date does not match the date.",
    "era_out_of_range": "The date or year is outside the Japanese era it is written in.",
    "date_too_early": "Dates before 1873-01-01 (start of the Gregorian calendar) are unsupported.",
    # wareki.parse_fiscal_year
    "fiscal_year_empty": "No fiscal year was entered.",
    "fiscal_year_format": "The fiscal year could not be understood.",
    "fiscal_year_out_of_range": "The fiscal year is outside the supported range (1873-9998).",
    # ages
    "birth_after_date": "The date of birth is after the date the age is calculated for.",
    "gestation_out_of_range": "The date is before the pregnancy implied by the due date began.",
    "child_age_format": "A child's age could not be understood (write e.g. 0歳5か月 or 2歳).",
    "child_age_out_of_range": "A child's age is over 18 years.",
    # kana
    "furigana_empty": "No furigana was entered.",
    "furigana_not_kana": "Furigana may only contain kana, the long vowel mark, spaces and '・'.",
    # text
    "phone_invalid": "The phone number is not a valid Japanese phone number.",
    "postal_code_invalid": "The postal code must have 7 digits.",
    "email_invalid": "The email address is not valid.",
    # address
    "town_empty": "No town name was entered.",
    "chome_invalid": "The chome (丁目) number must be a whole number from 1 to 99.",
    "chome_conflict": "The town name already ends in a different chome (丁目) number.",
    # csvio
    "csv_empty": "The CSV file is empty.",
    "csv_encoding": "The CSV file is neither UTF-8 nor Shift_JIS (cp932).",
    "csv_malformed": "The CSV file is malformed (for example an unclosed quote).",
    "csv_missing_columns": "The CSV file lacks required columns.",
    "csv_duplicate_column": "Two columns of the CSV file map to the same field.",
    "csv_too_many_rows": "The CSV file has more rows than allowed.",
    "csv_unencodable": "A value has a character the chosen encoding cannot represent.",
}


class InputError(ValueError):
    """Bad user input, identified by a stable ``code`` from :data:`ERROR_CODES`.

    ``params`` holds the values a translated message needs (a line number, the
    offending characters, ...). Unknown codes are rejected at construction time so a
    typo cannot reach users as an untranslated message.
    """

    code: str
    params: dict[str, Any]

    def __init__(
        self, code: str, params: Mapping[str, Any] | None = None, *, message: str | None = None
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown InputError code: {code!r}")
        self.code = code
        self.params = dict(params or {})
        self.message = message or _default_message(code, self.params)
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Keep the error picklable despite the keyword-only constructor argument."""
        return (_rebuild_input_error, (self.code, self.params, self.message))

    def __repr__(self) -> str:
        return f"InputError({self.code!r}, {self.params!r})"


def _rebuild_input_error(code: str, params: dict[str, Any], message: str) -> InputError:
    return InputError(code, params, message=message)


def _default_message(code: str, params: Mapping[str, Any]) -> str:
    """English message for logs and tests: the description plus the params, if any."""
    description = ERROR_CODES[code]
    if not params:
        return description
    details = ", ".join(f"{key}={value!r}" for key, value in params.items())
    return f"{description} ({details})"
