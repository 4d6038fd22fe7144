import pytest

from hiroba.lib.env import (
    MISSING,
    EnvError,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)


def test_missing_is_a_reusable_sentinel():
    assert repr(MISSING) == "MISSING"
    assert MISSING is not None


def test_env_error_is_not_an_input_error():
    assert issubclass(EnvError, Exception)
    assert not issubclass(EnvError, ValueError)


# env_str


def test_env_str_returns_value_unchanged():
    assert env_str("NAME", environ={"NAME": " value "}) == " value "


def test_env_str_missing_without_default_is_required():
    with pytest.raises(EnvError, match="NAME is required"):
        env_str("NAME", environ={})


def test_env_str_blank_value_counts_as_unset():
    assert env_str("NAME", "fallback", environ={"NAME": "  "}) == "fallback"
    with pytest.raises(EnvError, match="NAME is required"):
        env_str("NAME", environ={"NAME": ""})


def test_env_str_default_may_be_none():
    assert env_str("NAME", None, environ={}) is None


def test_env_str_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("HIROBA_TEST_ENV_STR", "from-os")
    assert env_str("HIROBA_TEST_ENV_STR") == "from-os"
    monkeypatch.delenv("HIROBA_TEST_ENV_STR")
    assert env_str("HIROBA_TEST_ENV_STR", "gone") == "gone"


# env_bool


@pytest.mark.parametrize("raw", ["true", "TRUE", "True", "1", "yes", "YES", "on", " On "])
def test_env_bool_true_words(raw):
    assert env_bool("DEBUG", environ={"DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["false", "FALSE", "0", "no", "No", "off", "OFF "])
def test_env_bool_false_words(raw):
    assert env_bool("DEBUG", environ={"DEBUG": raw}) is False


@pytest.mark.parametrize("raw", ["2", "y", "n", "enabled", "truee", "-1"])
def test_env_bool_rejects_other_words_naming_the_variable(raw):
    with pytest.raises(EnvError, match="DEBUG"):
        env_bool("DEBUG", environ={"DEBUG": raw})


def test_env_bool_default_and_required():
    assert env_bool("DEBUG", False, environ={}) is False
    with pytest.raises(EnvError, match="DEBUG is required"):
        env_bool("DEBUG", environ={})


# env_int


def test_env_int_parses_and_strips():
    assert env_int("PORT", environ={"PORT": " 8000 "}) == 8000
    assert env_int("OFFSET", environ={"OFFSET": "-5"}) == -5


def test_env_int_rejects_non_integers():
    for raw in ["8.5", "abc", "0x10"]:
        with pytest.raises(EnvError, match="PORT must be an integer"):
            env_int("PORT", environ={"PORT": raw})


def test_env_int_bounds_are_inclusive():
    environ = {"N": "10"}
    assert env_int("N", minimum=10, maximum=10, environ=environ) == 10
    with pytest.raises(EnvError, match="at least 11"):
        env_int("N", minimum=11, environ=environ)
    with pytest.raises(EnvError, match="at most 9"):
        env_int("N", maximum=9, environ=environ)


def test_env_int_default_is_returned_without_range_check():
    assert env_int("N", 3, minimum=10, environ={}) == 3
    assert env_int("N", None, environ={}) is None


def test_env_int_required():
    with pytest.raises(EnvError, match="N is required"):
        env_int("N", environ={})


# env_list


def test_env_list_strips_items_and_drops_empties():
    environ = {"HOSTS": " a.example , b.example,, ,c.example, "}
    assert env_list("HOSTS", environ=environ) == ["a.example", "b.example", "c.example"]


def test_env_list_custom_separator():
    assert env_list("PATHS", separator=":", environ={"PATHS": "/a: /b"}) == ["/a", "/b"]


def test_env_list_default_is_copied_to_a_list():
    default = ("x", "y")
    result = env_list("HOSTS", default, environ={})
    assert result == ["x", "y"]
    assert isinstance(result, list)


def test_env_list_required_and_empty_separator():
    with pytest.raises(EnvError, match="HOSTS is required"):
        env_list("HOSTS", environ={})
    with pytest.raises(ValueError):
        env_list("HOSTS", separator="", environ={"HOSTS": "a"})


# env_secret


def test_env_secret_from_variable():
    assert env_secret("SECRET_KEY", environ={"SECRET_KEY": "s3cret"}) == "s3cret"


def test_env_secret_from_file_strips_trailing_newline_only(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("  s3cret value \n", encoding="utf-8")
    environ = {"SECRET_KEY_FILE": str(secret_file)}
    assert env_secret("SECRET_KEY", environ=environ) == "  s3cret value "


def test_env_secret_from_file_strips_crlf(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(b"abc\r\n")
    assert env_secret("SECRET_KEY", environ={"SECRET_KEY_FILE": str(secret_file)}) == "abc"


def test_env_secret_missing_file_raises(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(EnvError, match="SECRET_KEY_FILE"):
        env_secret("SECRET_KEY", environ={"SECRET_KEY_FILE": str(missing)})


def test_env_secret_empty_file_raises(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("\n", encoding="utf-8")
    with pytest.raises(EnvError, match="empty"):
        env_secret("SECRET_KEY", environ={"SECRET_KEY_FILE": str(secret_file)})


def test_env_secret_both_set_raises(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("a", encoding="utf-8")
    environ = {"SECRET_KEY": "b", "SECRET_KEY_FILE": str(secret_file)}
    with pytest.raises(EnvError, match="only one of SECRET_KEY and SECRET_KEY_FILE"):
        env_secret("SECRET_KEY", environ=environ)


def test_env_secret_default_and_required():
    assert env_secret("SECRET_KEY", "dev", environ={}) == "dev"
    with pytest.raises(EnvError, match="SECRET_KEY is required"):
        env_secret("SECRET_KEY", environ={})
