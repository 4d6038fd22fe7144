from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hiroba.core import rules
from hiroba.core.choices import HubKind
from hiroba.core.models import Hub
from hiroba.core.tests.factories import HubFactory, MunicipalityFactory, SatelliteFactory


@pytest.mark.parametrize(
    ("on", "label"),
    [
        (date(2023, 4, 1), "1年度目／5か年度"),
        (date(2026, 11, 21), "4年度目／5か年度"),
        (date(2028, 3, 31), "5年度目／5か年度"),
        (date(2028, 4, 1), ""),
        (date(2023, 3, 31), ""),
    ],
)
def test_the_contract_year_follows_the_fiscal_year(db, on, label):
    hub = HubFactory(contract_start_fiscal_year=2023, contract_term_years=5)
    assert hub.contract_label(on) == label


def test_a_satellite_needs_a_main_hub(db):
    main = HubFactory()
    with pytest.raises(IntegrityError):
        Hub.objects.create(
            ward=main.ward,
            operator=main.operator,
            kind=HubKind.SATELLITE,
            name="親のないサテライト",
            contract_start_fiscal_year=2023,
        )


def test_a_main_hub_has_no_parent(db):
    main = HubFactory()
    with pytest.raises(IntegrityError):
        HubFactory(ward=main.ward, operator=main.operator, parent=main, kind=HubKind.MAIN)


def test_satellites_belong_to_their_main_hub(db):
    satellite = SatelliteFactory()
    assert satellite.parent.satellites.get() == satellite
    assert satellite.is_satellite and not satellite.parent.is_satellite


def test_yokohama_is_the_default_rule_profile(db):
    city = MunicipalityFactory()
    hub_rules = city.rules("hub", on=date(2026, 4, 1))
    assert city.rule_profile == "yokohama"
    assert hub_rules["contract_term_years"] == 5
    assert hub_rules["minimum_open_days_per_week"] == 3
    assert hub_rules["minimum_open_hours_per_day"] == 5


def test_a_municipality_can_override_single_rules(db):
    city = MunicipalityFactory(rule_overrides={"hub": {"contract_term_years": 3}})
    city.full_clean()
    assert city.rules("hub", on=date(2026, 4, 1))["contract_term_years"] == 3
    assert city.rules("hub", on=date(2026, 4, 1))["minimum_open_days_per_week"] == 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"hub": {"contract_years": 3}},
        {"fees": {"hourly": 900}},
        {"hub": 3},
        [],
    ],
)
def test_unknown_overrides_are_refused(db, overrides):
    city = MunicipalityFactory.build(code="141003", rule_overrides=overrides)
    with pytest.raises(ValidationError):
        city.full_clean()


def test_rules_are_versioned_by_date():
    rules.register_section(
        "national",
        "test_section",
        [
            rules.RuleVersion(date(2024, 4, 1), {"fee": 800}),
            rules.RuleVersion(date(2023, 7, 1), {"fee": 700}),
        ],
    )
    assert rules.rules_for("national", "test_section", on=date(2023, 7, 1))["fee"] == 700
    assert rules.rules_for("national", "test_section", on=date(2024, 3, 31))["fee"] == 700
    assert rules.rules_for("national", "test_section", on=date(2024, 4, 1))["fee"] == 800
    # Yokohama has no own version of this section: the national one applies.
    assert rules.rules_for("yokohama", "test_section", on=date(2024, 4, 1))["fee"] == 800
    with pytest.raises(LookupError):
        rules.rules_for("national", "test_section", on=date(2023, 6, 30))
