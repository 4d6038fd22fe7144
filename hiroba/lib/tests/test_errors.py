import pickle
import re
from pathlib import Path

import pytest

from hiroba.lib.errors import ERROR_CODES, InputError

LIB_DIR = Path(__file__).resolve().parent.parent


def test_input_error_is_a_value_error_with_code_and_params():
    error = InputError("date_invalid", {"value": "2023-02-30"})
    assert isinstance(error, ValueError)
    assert error.code == "date_invalid"
    assert error.params == {"value": "2023-02-30"}


def test_default_message_is_the_english_description_plus_params():
    assert str(InputError("date_empty")) == ERROR_CODES["date_empty"]
    message = str(InputError("csv_malformed", {"line": 3}))
    assert message.startswith(ERROR_CODES["csv_malformed"])
    assert "line=3" in message


def test_explicit_message_overrides_default():
    assert str(InputError("date_empty", message="custom")) == "custom"


def test_params_default_to_empty_dict_and_are_copied():
    params = {"line": 1}
    error = InputError("csv_malformed", params)
    params["line"] = 99
    assert error.params == {"line": 1}
    assert InputError("csv_empty").params == {}


def test_unknown_code_is_rejected():
    with pytest.raises(ValueError, match="unknown InputError code"):
        InputError("no_such_code")


def test_input_error_survives_pickling():
    error = pickle.loads(pickle.dumps(InputError("csv_malformed", {"line": 4})))
    assert isinstance(error, InputError)
    assert (error.code, error.params) == ("csv_malformed", {"line": 4})


def test_every_code_has_a_one_line_english_description():
    assert ERROR_CODES
    for code, description in ERROR_CODES.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code)
        assert description.strip() and "\n" not in description


def test_every_code_raised_in_lib_is_listed_and_every_listed_code_is_used():
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in LIB_DIR.glob("*.py")
        if path.name != "errors.py"
    )
    raised = set(re.findall(r'InputError\(\s*"([a-z0-9_]+)"', sources))
    assert raised, "expected to find InputError(...) calls in lib"
    assert raised <= set(ERROR_CODES), raised - set(ERROR_CODES)
    assert set(ERROR_CODES) <= raised, set(ERROR_CODES) - raised


def test_lib_does_not_import_django_or_other_hiroba_packages():
    for path in [*LIB_DIR.glob("*.py"), *LIB_DIR.glob("tests/*.py")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if not stripped.startswith(("import ", "from ")):
                continue
            assert "django" not in stripped, f"{path.name}: {stripped}"
            if "hiroba" in stripped:
                assert re.match(r"(from|import) hiroba\.lib\b", stripped), (
                    f"{path.name}: {stripped}"
                )
