"""Factories for consultation records, made through the services so numbers and audit rows
are as in real use."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiroba.consultations import services
from hiroba.consultations.choices import (
    AgencyKind,
    Caregiver,
    Channel,
    ConsentMethod,
    Outcome,
    ReferralMethod,
)
from hiroba.consultations.models import Agency, ConsultationTopic

CANARY = "カナリア・夜泣きと家庭内の不安について相談-7f3a"


def topics(hub, *codes: str) -> list[ConsultationTopic]:
    found = ConsultationTopic.objects.filter(municipality_id=hub.ward.municipality_id)
    return list(found.filter(code__in=codes)) if codes else list(found[:2])


def consultation(hub, *, actor, assigned=(), **values):
    data = services.ConsultationData(
        happened_at=values.pop("happened_at", timezone.now() - timedelta(hours=1)),
        channel=values.pop("channel", Channel.HIROBA),
        caregiver=values.pop("caregiver", Caregiver.MOTHER),
        outcome=values.pop("outcome", Outcome.ADVICE),
        topics=values.pop("topics", None) or topics(hub, "sleep", "development"),
        summary=values.pop("summary", CANARY),
        assigned_staff=list(assigned),
        **values,
    )
    return services.record_consultation(hub, data, actor=actor)


def agency(tenant_or_hub, **values) -> Agency:
    hub = getattr(tenant_or_hub, "hub", tenant_or_hub)
    defaults = {
        "municipality": hub.ward.municipality,
        "ward": hub.ward,
        "kind": AgencyKind.WARD_HEALTH,
        "name": "こども家庭支援課（保健師）",
    }
    defaults.update(values)
    return Agency.objects.create(**defaults)


def referral_data(agency_, **values) -> services.ReferralData:
    defaults = {
        "agency": agency_,
        "method": ReferralMethod.PHONE,
        "reason": "保健師の訪問を希望",
        "consent_given": True,
        "consent_method": ConsentMethod.VERBAL,
        "consent_given_at": timezone.now() - timedelta(minutes=5),
    }
    defaults.update(values)
    return services.ReferralData(**defaults)
