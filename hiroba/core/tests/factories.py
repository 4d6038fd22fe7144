"""factory-boy factories for tenancy rows. Codes are sequences so every world is distinct."""

from __future__ import annotations

import factory

from hiroba.core.choices import HubKind, OrganizationKind, VenueKind
from hiroba.core.models import District, Hub, Municipality, Organization, TownBlock, Venue, Ward


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"{150000 + n:06d}")
    name = factory.Sequence(lambda n: f"テスト市{n}")
    prefecture = "神奈川県"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"{160000 + n:06d}")
    name = factory.Sequence(lambda n: f"テスト{n}区")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"NPO法人 テスト{n}")
    kind = OrganizationKind.NPO


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    ward = factory.SubFactory(WardFactory)
    operator = factory.SubFactory(
        OrganizationFactory, municipality=factory.SelfAttribute("..ward.municipality")
    )
    kind = HubKind.MAIN
    name = factory.Sequence(lambda n: f"テスト拠点{n}")
    contract_start_fiscal_year = 2023
    contract_term_years = 5


class SatelliteFactory(HubFactory):
    kind = HubKind.SATELLITE
    parent = factory.SubFactory(HubFactory)
    ward = factory.SelfAttribute("parent.ward")
    operator = factory.SelfAttribute("parent.operator")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"テスト地区{n}")


class TownBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TownBlock

    district = factory.SubFactory(DistrictFactory)
    ward = factory.SelfAttribute("district.ward")
    key = factory.Sequence(lambda n: f"テスト町{n}丁目")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    hub = factory.SubFactory(HubFactory)
    name = factory.Sequence(lambda n: f"会場{n}")
    kind = VenueKind.HIROBA_ROOM
    capacity_pairs = 20
