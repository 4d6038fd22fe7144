"""Demo tenancy: Yokohama, a fictional large ward (はなみずき区), its districts, town blocks,
an operator NPO, a main hub with a satellite, and venues. All names are fictional except the
city itself.

``--scale N`` does not add wards: it multiplies the families and visits of the demo hub group
(``families.demo``, ``visits.demo``), which is what the benchmarks measure (the ward's yearly
report on ten million visits, seeding time and memory per scale step). Earlier, every scale
step also added a ward with hubs and venues that no step filled, so the ten-million-row data
set carried some 320 empty wards."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from hiroba.core import services
from hiroba.core.choices import HubKind, OrganizationKind, VenueKind
from hiroba.core.demodata import DemoContext, bulk_create_batched, register
from hiroba.core.models import District, Hub, Municipality, Organization, TownBlock, Venue, Ward
from hiroba.lib.address import town_block_key
from hiroba.lib.fiscal import fiscal_year_of

# (district, towns with their number of chome)
DISTRICTS = [
    ("さくら台地区", [("さくら台", 5), ("さくら台東", 3)]),
    ("みずき野地区", [("みずき野", 4), ("みずき野西", 2)]),
    ("若葉台地区", [("若葉台", 6)]),
    ("青空地区", [("青空町", 3), ("青空南", 2)]),
    ("緑ヶ丘地区", [("緑ヶ丘", 4)]),
    ("港見地区", [("港見", 3), ("港見北", 3)]),
    ("山手台地区", [("山手台", 5)]),
    ("川辺地区", [("川辺町", 4), ("新川辺", 2)]),
    ("森の里地区", [("森の里", 3)]),
    ("東はなみずき地区", [("東はなみずき", 5)]),
]


@register("core.tenancy", order=10)
def seed_tenancy(ctx: DemoContext) -> None:
    city, _created = Municipality.objects.get_or_create(
        code="141003", defaults={"name": "横浜市", "prefecture": "神奈川県"}
    )
    operator = Organization.objects.create(
        municipality=city,
        name="NPO法人 はなみずき子育てネット",
        kind=OrganizationKind.NPO,
        representative="森本 かおり",
        phone="0459990000",
    )
    start_fy = fiscal_year_of(ctx.today) - 3  # the demo is in year 4 of its 5-year term
    main, satellite = _seed_ward(ctx, city, operator, start_fy)
    ctx.shared.update(
        city=city,
        operator=operator,
        hub=main,
        satellite=satellite,
        ward=main.ward,
        all_hubs=[main, satellite],
    )
    _seed_opening(ctx, main, satellite)
    ctx.log("  tenancy: 1 ward, 2 hubs")


def _seed_opening(ctx: DemoContext, main, satellite) -> None:
    """The main hub opens Tuesday to Saturday with a lunch break on Saturdays, the satellite on
    weekdays; the main hub closes one day next week for an inspection."""
    times = [(day, time(9, 30), time(16, 0)) for day in range(1, 5)]
    times += [(5, time(9, 30), time(12, 0)), (5, time(13, 0), time(16, 0))]
    services.set_opening_hours(main, times, actor=None)
    weekdays = [(day, time(10, 0), time(15, 30)) for day in range(5)]
    services.set_opening_hours(satellite, weekdays, actor=None)
    inspection = ctx.today + timedelta(days=9)
    services.add_closure(
        main, actor=None, first_day=inspection, last_day=inspection, reason="臨時休館（館内点検）"
    )


def _town_blocks_with_points():
    """Every demo town block with an invented representative point: districts lie side by
    side about 1.5 km apart, towns 500 m apart within them, chome 250 m apart along a town."""
    for d_index, (district, towns) in enumerate(DISTRICTS):
        for t_index, (town, count) in enumerate(towns):
            for chome in range(1, count + 1):
                lat = Decimal("35.44000") + Decimal("0.00225") * (chome - 1)
                lat += Decimal("0.00450") * t_index
                lon = Decimal("139.60000") + Decimal("0.01650") * d_index
                yield district, town, chome, lat, lon


def _seed_ward(ctx: DemoContext, city, operator, start_fy: int):
    name = "はなみずき区"
    ward = Ward.objects.create(
        municipality=city,
        code="141901",
        name=name,
        name_kana="はなみずきく",
        office_phone="0459991234",
    )
    districts = {}
    for order, (district_name, _towns) in enumerate(DISTRICTS, start=1):
        districts[district_name] = District.objects.create(
            ward=ward, name=district_name, sort_order=order
        )
    bulk_create_batched(
        TownBlock,
        (
            TownBlock(
                ward=ward,
                key=town_block_key(town, chome),
                district=districts[d],
                latitude=lat,
                longitude=lon,
            )
            for d, town, chome, lat, lon in _town_blocks_with_points()
        ),
        batch_size=ctx.batch_size,
    )
    main = Hub.objects.create(
        ward=ward,
        operator=operator,
        kind=HubKind.MAIN,
        name="地域子育て支援拠点 はなみずきひろば",
        name_kana="はなみずきひろば",
        postal_code="2259990",
        address=f"横浜市{name}さくら台1-2-3 はなみずきビル2階",
        phone="0459995555",
        opening_hours="火〜土 9:30〜16:00（祝日・年末年始を除く）",
        contract_start_fiscal_year=start_fy,
        contract_term_years=5,
    )
    satellite = Hub.objects.create(
        ward=ward,
        operator=operator,
        kind=HubKind.SATELLITE,
        parent=main,
        name="はなみずきひろば サテライト",
        name_kana="はなみずきひろば さてらいと",
        postal_code="2259991",
        address=f"横浜市{name}みずき野3-4-5",
        phone="0459996666",
        opening_hours="月〜金 10:00〜15:30（祝日・年末年始を除く）",
        contract_start_fiscal_year=start_fy,
        contract_term_years=5,
    )
    _seed_venues(main, satellite, districts)
    return main, satellite


def _seed_venues(main: Hub, satellite: Hub, districts: dict[str, District]) -> None:
    Venue.objects.bulk_create(
        [
            Venue(
                hub=main,
                name="ひろば（本体）",
                kind=VenueKind.HIROBA_ROOM,
                capacity_pairs=25,
                district=districts["さくら台地区"],
                sort_order=1,
            ),
            Venue(
                hub=main,
                name="出張ひろば さくら台地区センター",
                kind=VenueKind.COMMUNITY_CENTRE,
                capacity_pairs=12,
                district=districts["さくら台地区"],
                sort_order=2,
            ),
            Venue(
                hub=main,
                name="出張ひろば 若葉台ケアプラザ",
                kind=VenueKind.CARE_PLAZA,
                capacity_pairs=10,
                district=districts["若葉台地区"],
                sort_order=3,
            ),
            Venue(
                hub=main,
                name="お散歩ひろば 緑ヶ丘公園",
                kind=VenueKind.PARK,
                district=districts["緑ヶ丘地区"],
                sort_order=4,
            ),
            Venue(hub=main, name="オンラインひろば", kind=VenueKind.ONLINE, sort_order=5),
            Venue(
                hub=satellite,
                name="サテライトひろば",
                kind=VenueKind.HIROBA_ROOM,
                capacity_pairs=15,
                district=districts["みずき野地区"],
                sort_order=1,
            ),
        ]
    )
