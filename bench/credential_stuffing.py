"""Credential-stuffing drill (issue 9, ASVS 6.3): guesses against real and unknown accounts.

    uv run python bench/credential_stuffing.py [--quick] [--accounts N] [--rounds N]

Builds a throw-away SQLite database with N/2 real staff accounts (Argon2 passwords, as in
production) and N/2 addresses that have no account, then plays an attacker with a botnet: every
guess comes from a new IP address (so the per-address throttle never fires and only the
per-account lockout stands between the attacker and the accounts), ``--rounds`` guesses per
account from a list of common passwords — and, after the lockout has fired, each real account's
*actual* password, as a leaked credential would be. The default, 100 accounts × 10 rounds, is
the 1,000 guesses of issue 9; ``--quick`` is 12 × 10 (Argon2 takes about 0.2 s a guess).

What must hold:
- no guess signs in (the leaked real password arrives after the lockout and is refused);
- every account, real or not, is locked after the same number of failures, so a lockout says
  nothing about whether an account exists;
- at every round the answers for real and unknown accounts are the same page (status and body,
  with the CSRF token and the typed address taken out), and so are the password-reset answers;
- timing does not tell them apart: the median time of a guess at a real account is within 25%
  of one at an unknown account (the unknown address is hashed against a dummy password too),
  and the same for password-reset requests (whose mails go out after the answer is sent; the
  time is what the client waits for, as behind a WSGI server).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import build_hub

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
COMMON_PASSWORDS = [
    "password123", "12345678", "qwerty123", "hiroba2026", "yokohama1",
    "iloveyou1", "abc12345", "letmein12", "sunshine1", "password1",
    "kosodate123", "11111111", "hanako2026", "welcome12", "dragon123",
]  # fmt: skip
# The CSRF token, masked anew for every answer: in the form and in htmx's request headers.
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')
TIMING_TOLERANCE = 1.25
RESET_PASSES = 3


def setup_django(tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "hiroba.settings.test"
    os.environ.pop("DATABASE_URL", None)
    os.environ["HIROBA_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    import django  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    django.setup()
    call_command("migrate", verbosity=0)
    logging.getLogger("axes").setLevel(logging.ERROR)  # one line per failed guess otherwise


class Addresses:
    """A new client address for every request, as from a botnet."""

    def __init__(self) -> None:
        self.next = 0

    def __call__(self) -> str:
        self.next += 1
        return f"10.{self.next // 65536 % 256}.{self.next // 256 % 256}.{self.next % 256}"


def make_accounts(count: int, rng: random.Random):
    from hiroba.accounts.choices import Role  # noqa: PLC0415
    from hiroba.accounts.models import Membership, User  # noqa: PLC0415

    hub, _venue = build_hub()
    real = {}
    for number in range(count // 2):
        password = f"real-{rng.getrandbits(64):016x}"
        user = User.objects.create_user(f"staff{number}@example.jp", password)
        Membership.objects.create(user=user, role=Role.HUB_STAFF, hub=hub)
        real[user.email] = password
    unknown = [f"nobody{number}@example.jp" for number in range(count - count // 2)]
    return real, unknown


def _shape(response, typed: str) -> tuple:
    """What an attacker sees, without what differs by construction (token, typed address)."""
    body = CSRF.sub(b"", response.content).replace(typed.encode(), b"")
    return response.status_code, response.get("Location", ""), hash(body)


def stuff(real: dict, unknown: list, rounds: int, rng: random.Random, limit: int) -> dict:
    from django.test import Client  # noqa: PLC0415

    address = Addresses()
    accounts = [(email, True) for email in real] + [(email, False) for email in unknown]
    successes, unexpected, times = 0, 0, {True: [], False: []}
    locked_times = {True: [], False: []}
    shapes: dict[tuple[int, bool], set] = {}
    locked_at: dict[str, int] = {}
    for round_number in range(rounds):
        rng.shuffle(accounts)
        for email, exists in accounts:
            leaked = exists and round_number == limit + 1
            password = real[email] if leaked else COMMON_PASSWORDS[round_number % 15]
            started = time.perf_counter()
            response = Client().post(
                LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address()
            )
            elapsed = time.perf_counter() - started
            successes += response.status_code == 302
            unexpected += response.status_code not in {200, 302, 429}
            if response.status_code == 429:
                locked_at.setdefault(email, round_number)
                locked_times[exists].append(elapsed)
            else:
                times[exists].append(elapsed)
            shapes.setdefault((round_number, exists), set()).add(_shape(response, email))
    differing = sum(shapes[(r, True)] != shapes[(r, False)] for r in range(rounds))
    return {
        "guesses": rounds * len(accounts),
        "successes": successes,
        "unexpected_answers": unexpected,
        "real_locked_share": sum(e in locked_at for e in real) / len(real),
        "unknown_locked_share": sum(e in locked_at for e in unknown) / len(unknown),
        "lockout_rounds": sorted({locked_at.get(e, -1) for e, _ in accounts}),
        "rounds_with_different_answers": differing,
        "guess_ms_real": _ms(times[True]),
        "guess_ms_unknown": _ms(times[False]),
        "locked_ms_real": _ms(locked_times[True]),
        "locked_ms_unknown": _ms(locked_times[False]),
    }


def resets(real: dict, unknown: list) -> dict:
    from django.core import mail  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from hiroba.core import after_response  # noqa: PLC0415

    # A WSGI server sends the answer, then closes it, which runs the work deferred to after the
    # answer (the mails). The test client closes inside post(): hold that work and run it after
    # the clock stops, so the time is what the client waits for.
    held = []
    after_response.run_after_response = lambda response, work: held.append(work) or response
    address = Addresses()
    address.next = 200_000
    times, shapes = {True: [], False: []}, {True: set(), False: set()}
    pairs = [(email, True) for email in real] + [(email, False) for email in unknown]
    mail.outbox = []
    # Three passes (allauth allows five requests per address a minute), interleaved.
    for email, exists in sorted(pairs * RESET_PASSES, key=lambda pair: pair[0][::-1]):
        started = time.perf_counter()
        response = Client().post(RESET, {"email": email}, REMOTE_ADDR=address())
        times[exists].append(time.perf_counter() - started)
        shapes[exists].add(_shape(response, email))
        while held:
            held.pop(0)()
    return {
        "reset_answers_real": len(shapes[True]),
        "reset_answers_differ": int(shapes[True] != shapes[False]),
        "reset_mails": len(mail.outbox),
        "reset_ms_real": _ms(times[True]),
        "reset_ms_unknown": _ms(times[False]),
    }


def _ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2) if samples else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--accounts", type=int)
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    accounts = options.accounts or (12 if options.quick else 100)
    rng = random.Random(20261122)
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.conf import settings  # noqa: PLC0415
        from django.test.utils import override_settings  # noqa: PLC0415

        from hiroba.settings import base  # noqa: PLC0415

        # Production hashing and limits: timing is only meaningful with the real hasher.
        with override_settings(
            PASSWORD_HASHERS=base.PASSWORD_HASHERS,
            ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS,
            ALLOWED_HOSTS=["testserver"],
        ):
            real, unknown = make_accounts(accounts, rng)
            figures = stuff(real, unknown, options.rounds, rng, settings.AXES_FAILURE_LIMIT)
            figures.update(resets(real, unknown))
    figures["accounts"] = accounts
    figures["guess_time_ratio"] = round(figures["guess_ms_real"] / figures["guess_ms_unknown"], 3)
    figures["reset_time_ratio"] = round(figures["reset_ms_real"] / figures["reset_ms_unknown"], 3)
    goals = [
        _goal("no guess signs in", figures["successes"], "<=", 0),
        _goal("every guess answered (200 or 429)", figures["unexpected_answers"], "<=", 0),
        _goal("every real account locked", figures["real_locked_share"], ">=", 1.0),
        _goal("unknown accounts locked alike", figures["unknown_locked_share"], ">=", 1.0),
        _goal("same answers, real or unknown", figures["rounds_with_different_answers"], "<=", 0),
        _goal("same reset answer, real or unknown", figures["reset_answers_differ"], "<=", 0),
    ]  # fmt: skip
    for kind in ("guess", "reset"):
        ratio = figures[f"{kind}_time_ratio"]
        goals.append(_goal(f"{kind} time real/unknown at most", ratio, "<=", TIMING_TOLERANCE))
        goals.append(_goal(f"{kind} time real/unknown at least", ratio, ">=", 1 / TIMING_TOLERANCE))
    print(json.dumps({"name": "credential_stuffing", "figures": figures, "goals": goals}))


def _goal(name: str, value, op: str, target) -> dict:
    return {"name": name, "value": value, "op": op, "target": round(target, 3)}


if __name__ == "__main__":
    main()
