"""Settings refuse unsafe combinations at start-up, before anyone can use the site."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _clean_environment() -> dict[str, str]:
    """The environment without our settings and test-only switches, as on a fresh server."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("HIROBA_", "DATABASE_", "DJANGO_"))
    }


# A field-encryption key as production needs one (base64 of 32 bytes; not the development key).
FIELD_KEYS = "k1=" + base64.b64encode(bytes(range(32))).decode()


def _start(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean = _clean_environment()
    if settings_module.endswith("production"):
        clean["HIROBA_FIELD_KEYS"] = FIELD_KEYS
    clean.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_needs_a_long_secret_key():
    result = _start("hiroba.settings.production")
    assert result.returncode != 0 and "HIROBA_SECRET_KEY" in result.stderr
    short = _start("hiroba.settings.production", HIROBA_SECRET_KEY="x" * 20)
    assert short.returncode != 0


def test_production_refuses_demo_mode():
    result = _start("hiroba.settings.production", HIROBA_SECRET_KEY="k" * 60, HIROBA_DEMO="1")
    assert result.returncode != 0 and "HIROBA_DEMO" in result.stderr


def test_production_starts_with_a_key():
    result = _start("hiroba.settings.production", HIROBA_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_needs_field_encryption_keys():
    result = _start("hiroba.settings.production", HIROBA_SECRET_KEY="k" * 60, HIROBA_FIELD_KEYS="")
    assert result.returncode != 0 and "HIROBA_FIELD_KEYS" in result.stderr


def test_development_without_debug_needs_a_key():
    result = _start("hiroba.settings.dev", HIROBA_DEBUG="false")
    assert result.returncode != 0 and "HIROBA_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_misspelt_switches_fail_loudly(value):
    result = _start("hiroba.settings.dev", HIROBA_DEBUG=value)
    assert result.returncode != 0 and "HIROBA_DEBUG" in result.stderr


def test_secret_files_are_read(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("s" * 60 + "\n")
    result = _start("hiroba.settings.production", HIROBA_SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_under_production_settings():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HIROBA_", "DATABASE_"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="hiroba.settings.production",
        HIROBA_SECRET_KEY="k" * 30 + "Q1w2E3r4T5y6U7i8O9p0" + "z" * 10,
        HIROBA_ALLOWED_HOSTS="hiroba.example.jp",
        HIROBA_FIELD_KEYS=FIELD_KEYS,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_every_page_carries_the_strict_content_security_policy(client, path):
    """ASVS 3.4.3: object-src and base-uri 'none', scripts and styles from our origin only."""
    response = client.get(path)
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["object-src"] == directives["base-uri"] == "'none'"
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
