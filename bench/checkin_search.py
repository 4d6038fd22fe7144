"""Reception search over a large registry: p95 of the check-in search must stay under 50 ms.

    uv run python bench/checkin_search.py [--quick] [--families N] [--queries N]

Builds a throw-away database — a temporary SQLite file, or, when DATABASE_URL points at
PostgreSQL, a temporary database on that server that is dropped afterwards — with one hub
whose registry holds 50,000 families (5,000 with ``--quick``): Japanese names drawn from common
family and given names (so a two-kana prefix matches thousands of people, as at a real
counter), mobile phone numbers, children and some pregnancies, pending pre-registrations and
merged cards. Rows go in with ``bulk_create`` and the search keys the registry service would
compute (``hiroba.lib.kana.kana_search_key``).

Then it times ``families.queries.search_households`` (what the reception search runs) for a
mix of what staff type or scan: 2–4 kana prefixes in hiragana, katakana and half-width,
romaji, given names, phone prefixes, card numbers and QR codes. The reference, measured in
the same run, is a plain lookup of a family by primary key; the ratio shows what the search
costs over the cheapest possible read. The whole htmx search request (session, permissions,
today's visits, template) is timed too, as a figure.

Settings are ``hiroba.settings.test``: DEBUG off, so Django does not log every query.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import build_hub

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY_NAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("阿部", "アベ"), ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"),
    ("石井", "イシイ"), ("小川", "オガワ"), ("前田", "マエダ"), ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"),
    ("村上", "ムラカミ"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"),
    ("福田", "フクダ"), ("太田", "オオタ"), ("西村", "ニシムラ"), ("藤井", "フジイ"),
    ("金子", "カネコ"), ("岡本", "オカモト"), ("藤原", "フジワラ"), ("中野", "ナカノ"),
    ("三浦", "ミウラ"), ("原田", "ハラダ"), ("中川", "ナカガワ"), ("松田", "マツダ"),
    ("竹内", "タケウチ"), ("小野", "オノ"), ("田村", "タムラ"), ("中山", "ナカヤマ"),
    ("和田", "ワダ"), ("石田", "イシダ"), ("森田", "モリタ"), ("上田", "ウエダ"),
]  # fmt: skip
MOTHERS = [
    ("花子", "ハナコ"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("由美", "ユミ"), ("愛", "アイ"),
    ("彩", "アヤ"), ("麻衣", "マイ"), ("裕子", "ユウコ"), ("恵", "メグミ"), ("真由美", "マユミ"),
    ("明美", "アケミ"), ("香織", "カオリ"), ("智子", "トモコ"), ("沙織", "サオリ"),
    ("千尋", "チヒロ"), ("奈々", "ナナ"), ("瞳", "ヒトミ"), ("綾乃", "アヤノ"), ("理恵", "リエ"),
    ("友美", "トモミ"),
]  # fmt: skip
FATHERS = [
    ("太郎", "タロウ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"), ("拓也", "タクヤ"),
    ("翔太", "ショウタ"), ("直樹", "ナオキ"), ("誠", "マコト"), ("剛", "ツヨシ"), ("亮", "リョウ"),
    ("浩二", "コウジ"), ("和也", "カズヤ"), ("達也", "タツヤ"), ("洋平", "ヨウヘイ"),
    ("雄一", "ユウイチ"),
]  # fmt: skip
CHILDREN = [
    ("蓮", "レン"), ("陽翔", "ハルト"), ("湊", "ミナト"), ("蒼", "アオイ"), ("樹", "イツキ"),
    ("悠真", "ユウマ"), ("大和", "ヤマト"), ("陽葵", "ヒマリ"), ("凛", "リン"), ("結菜", "ユイナ"),
    ("葵", "アオイ"), ("紬", "ツムギ"), ("芽依", "メイ"), ("咲良", "サクラ"), ("杏", "アン"),
    ("結衣", "ユイ"), ("陽菜", "ヒナ"), ("颯", "ハヤテ"),
]  # fmt: skip
TODAY = datetime.now(tz=ZoneInfo("Asia/Tokyo")).date()


# -- the throw-away database -----------------------------------------------------------------
@contextlib.contextmanager
def throwaway_database():
    """Point Django at a new, empty database for this process; remove it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "hiroba.settings.test"
    if url.startswith(("postgres://", "postgresql://")):
        with _postgres_database(url) as bench_url:
            os.environ["DATABASE_URL"] = bench_url
            yield "postgresql"
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HIROBA_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        yield "sqlite"


@contextlib.contextmanager
def _postgres_database(url: str):
    import dj_database_url  # noqa: PLC0415
    import psycopg  # noqa: PLC0415

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_checkin"[:60]
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }

    def run(sql: str) -> None:
        with psycopg.connect(**server) as admin:
            admin.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
        run(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django() -> None:
    import django  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    django.setup()
    call_command("migrate", verbosity=0)


# -- the registry ------------------------------------------------------------------------------
def _weighted(rng: random.Random, names: list, k: int) -> list:
    """Common names are much more common (roughly Zipf, as family names are)."""
    weights = [1 / (rank + 3) for rank in range(len(names))]
    return rng.choices(names, weights=weights, k=k)


class Registry:
    """Builds households and members in batches; keeps samples to search for."""

    def __init__(self, rng: random.Random, hub) -> None:
        from hiroba.lib.kana import kana_search_key  # noqa: PLC0415

        self.rng = rng
        self.hub = hub
        self.key = kana_search_key
        self.tokens: list[str] = []
        self.card_numbers: list[str] = []
        self.phones: list[str] = []
        self.people: list[tuple[str, str]] = []  # (family kana, given kana)
        self.household_ids: list[int] = []

    def _token(self) -> str:
        return base64.b32encode(self.rng.randbytes(15)).decode("ascii")

    def _phone(self) -> str:
        prefix = self.rng.choice(["090", "080", "070"])
        return prefix + "".join(self.rng.choice("0123456789") for _ in range(8))

    def _household(self, number: int):
        from hiroba.families.choices import HouseholdStatus  # noqa: PLC0415
        from hiroba.families.models import Household  # noqa: PLC0415

        roll = self.rng.random()
        status = (
            HouseholdStatus.MERGED
            if roll < 0.01
            else HouseholdStatus.PENDING
            if roll < 0.03
            else HouseholdStatus.ACTIVE
        )
        visited = status == HouseholdStatus.ACTIVE and self.rng.random() < 0.7
        last = TODAY - timedelta(days=self.rng.randrange(730)) if visited else None
        first = last - timedelta(days=self.rng.randrange(400)) if last else None
        return Household(
            hub=self.hub,
            card_number=f"{number:06d}",
            card_token=self._token(),
            status=status,
            registered_on=None if status == HouseholdStatus.PENDING else first or TODAY,
            last_visit_on=last,
            first_visit_on=first,
        )

    def _member(self, household, kind, names, order, **extra):
        from hiroba.families.models import Member  # noqa: PLC0415

        (family_name, family_kana), (given_name, given_kana) = names
        given_key = self.key(given_kana)
        return Member(
            household=household,
            kind=kind,
            family_name=family_name,
            family_name_kana=family_kana,
            given_name=given_name,
            given_name_kana=given_kana,
            search_key=self.key(family_kana) + given_key,
            given_search_key=given_key,
            sort_order=order,
            **extra,
        )

    def _members(self, household, family_name) -> list:
        from hiroba.families.choices import MemberKind, Relation  # noqa: PLC0415

        rng = self.rng
        mother = rng.choice(MOTHERS)
        phone = self._phone() if rng.random() < 0.9 else ""
        people = [
            self._member(
                household,
                MemberKind.CAREGIVER,
                (family_name, mother),
                0,
                relation=Relation.MOTHER,
                phone=phone,
                is_primary_contact=True,
            )
        ]
        if rng.random() < 0.4:
            father = rng.choice(FATHERS)
            people.append(
                self._member(
                    household,
                    MemberKind.CAREGIVER,
                    (family_name, father),
                    1,
                    relation=Relation.FATHER,
                    phone=self._phone() if rng.random() < 0.5 else "",
                )
            )
        for order in range(rng.choice([1, 1, 1, 2, 2, 3])):
            born = TODAY - timedelta(days=rng.randrange(30, 6 * 365))
            people.append(
                self._member(
                    household, MemberKind.CHILD, (family_name, rng.choice(CHILDREN)), 2 + order,
                    birth_date=born, birth_order=order + 1,
                )
            )  # fmt: skip
        if rng.random() < 0.05:
            due = TODAY + timedelta(days=rng.randrange(10, 250))
            people.append(
                self._member(household, MemberKind.CHILD, (family_name, ("", "")), 9, due_date=due)
            )
        if phone:
            self.phones.append(phone)
        self.people.append((family_name[1], mother[1]))
        return people

    def build(self, families: int, batch: int = 5000) -> int:
        from hiroba.families.models import Household, Member  # noqa: PLC0415

        members_written = 0
        for start in range(0, families, batch):
            size = min(batch, families - start)
            households = Household.objects.bulk_create(
                [self._household(start + i + 1) for i in range(size)]
            )
            surnames = _weighted(self.rng, FAMILY_NAMES, size)
            members = [
                m
                for h, name in zip(households, surnames, strict=True)
                for m in self._members(h, name)
            ]
            Member.objects.bulk_create(members, batch_size=2000)
            members_written += len(members)
            for h in households:
                self.household_ids.append(h.pk)
                if h.status != "merged":
                    self.tokens.append(h.card_token)
                    self.card_numbers.append(h.card_number)
        return members_written


# -- what reception types --------------------------------------------------------------------
def search_texts(rng: random.Random, registry: Registry, count: int) -> list[tuple[str, str]]:
    """(kind, text) pairs in the proportions a counter sees: mostly names, some codes."""
    import jaconv  # noqa: PLC0415

    from hiroba.lib.kana import to_hiragana  # noqa: PLC0415

    def name_sample():
        return rng.choice(registry.people)

    makers = {
        "hiragana prefix": lambda: to_hiragana(name_sample()[0])[: rng.choice([2, 3, 4])],
        "katakana": lambda: name_sample()[0],
        "half-width kana": lambda: jaconv.z2h(name_sample()[0], kana=True),
        "family and given": lambda: "{} {}".format(*map(to_hiragana, name_sample())),
        "given name": lambda: to_hiragana(name_sample()[1])[:3],
        "romaji": lambda: jaconv.kana2alphabet(to_hiragana(name_sample()[0])),
        "phone prefix": lambda: rng.choice(registry.phones)[: rng.choice([7, 8, 11])],
        "card number": lambda: rng.choice(registry.card_numbers).lstrip("0"),
        "QR code": lambda: rng.choice(registry.tokens),
    }
    weights = {
        "hiragana prefix": 30,
        "katakana": 8,
        "half-width kana": 5,
        "family and given": 10,
        "given name": 7,
        "romaji": 10,
        "phone prefix": 10,
        "card number": 5,
        "QR code": 15,
    }
    kinds = rng.choices(list(weights), weights=list(weights.values()), k=count)
    return [(kind, makers[kind]()) for kind in kinds]


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
        "n": len(ordered),
    }


def time_search(hub, texts) -> tuple[dict, dict, int]:
    from hiroba.families.queries import search_households  # noqa: PLC0415

    for _kind, text in texts[:20]:  # warm the caches and the connection
        search_households(hub, text)
    samples, by_kind, empty = [], {}, 0
    for kind, text in texts:
        started = time.perf_counter()
        found = search_households(hub, text)
        elapsed = time.perf_counter() - started
        samples.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        empty += not found
    return _ms(samples), {k: _ms(v)["p95_ms"] for k, v in sorted(by_kind.items())}, empty


def time_reference(rng: random.Random, registry: Registry, count: int) -> dict:
    from hiroba.families.models import Household  # noqa: PLC0415

    ids = [rng.choice(registry.household_ids) for _ in range(count)]
    for pk in ids[:20]:
        Household.objects.filter(pk=pk).first()
    samples = []
    for pk in ids:
        started = time.perf_counter()
        Household.objects.filter(pk=pk).first()
        samples.append(time.perf_counter() - started)
    return _ms(samples)


def time_view(hub, texts) -> dict:
    """The whole htmx search request, as the tablet sends it while the parent waits."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from hiroba.accounts.choices import Role  # noqa: PLC0415
    from hiroba.accounts.models import Membership, User  # noqa: PLC0415

    user = User.objects.create_user(email="bench@example.jp", full_name="ベンチ")
    TOTP.activate(user, generate_totp_secret())
    Membership.objects.create(user=user, role=Role.HUB_STAFF, hub=hub)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = reverse("visits:reception-search")
    samples = []
    for _kind, text in texts[:20]:
        client.get(url, {"q": text}, HTTP_HX_REQUEST="true")
    for _kind, text in texts:
        started = time.perf_counter()
        response = client.get(url, {"q": text}, HTTP_HX_REQUEST="true")
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"search answered {response.status_code}")
    return _ms(samples)


def checked_in_today(venue, count: int) -> None:
    """Some families already here, so the result cards show today's visits as at noon."""
    from hiroba.families.models import Household  # noqa: PLC0415
    from hiroba.visits.services import check_in  # noqa: PLC0415

    households = Household.objects.filter(status="active").order_by("?")[:count]
    for household in households:
        ids = [m.pk for m in household.members.all() if not m.is_expected]
        check_in(household, venue, ids, actor=None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5,000 families, for CI")
    parser.add_argument("--families", type=int, help="registry size (default 50,000)")
    parser.add_argument("--queries", type=int, help="searches to time")
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument(
        "--analyse", action="store_true", help="ANALYZE on SQLite too (PostgreSQL always)"
    )
    options = parser.parse_args()
    families = options.families or (5_000 if options.quick else 50_000)
    queries = options.queries or (400 if options.quick else 1_000)
    rng = random.Random(options.seed)
    with throwaway_database() as engine:
        setup_django()
        hub, venue = build_hub()
        started = time.perf_counter()
        registry = Registry(rng, hub)
        members = registry.build(families)
        checked_in_today(venue, 80)
        build_seconds = time.perf_counter() - started
        if engine == "postgresql" or options.analyse:
            _analyse()
        texts = search_texts(rng, registry, queries)
        search, by_kind, empty = time_search(hub, texts)
        reference = time_reference(rng, registry, queries)
        view = time_view(hub, texts[: max(100, queries // 4)])
    ratio = search["p50_ms"] / reference["p50_ms"] if reference["p50_ms"] else None
    print(
        json.dumps(
            {
                "name": "checkin_search",
                "figures": {
                    "engine": engine,
                    "families": families,
                    "members": members,
                    "build_seconds": round(build_seconds, 1),
                    "search": search,
                    "search_p95_ms_by_kind": by_kind,
                    "searches_without_result": empty,
                    "reference_pk_lookup": reference,
                    "search_p50_over_pk_lookup_p50": round(ratio, 2) if ratio else None,
                    "htmx_search_request": view,
                },
                "goals": [
                    {
                        "name": "search p95 (ms)",
                        "value": search["p95_ms"],
                        "op": "<=",
                        "target": 50,
                    }
                ],
            },
            ensure_ascii=False,
        )
    )


def _analyse() -> None:
    """Planner statistics. A live PostgreSQL database has them (autovacuum analyses tables
    after bulk changes; the test server may run with it off), so the bench analyses there.
    Nothing in Hiroba runs ANALYZE on SQLite, so there the search must not depend on them."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
