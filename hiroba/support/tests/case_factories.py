"""Factories for support cases and the 地域連携 log, made through the services so checks,
encryption and audit rows are as in real use."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.consultations.choices import ConsentMethod
from hiroba.consultations.models import ConsultationTopic
from hiroba.support import case_services
from hiroba.support.choices import ActivityKind, ServiceKind

CANARY = "カナリア・支援ケースの聞き取り内容-5c2e"
PLAN_CANARY = "カナリア・計画の項目-91d0"
NOTE_CANARY = "カナリア・引き継ぎの内容-3b7a"


def specialist(hub):
    """A new user-support specialist of ``hub`` (may be assigned cases there)."""
    return MembershipFactory(hub=hub, role=Role.USER_SUPPORT).user


def consent(**values) -> case_services.Consent:
    defaults = {
        "given": True,
        "method": ConsentMethod.VERBAL,
        "given_at": timezone.now() - timedelta(minutes=5),
    }
    defaults.update(values)
    return case_services.Consent(**defaults)


def need_topics(hub, *codes: str) -> list[ConsultationTopic]:
    found = ConsultationTopic.objects.filter(municipality_id=hub.ward.municipality_id)
    return list(found.filter(code__in=codes or ("nursery", "childcare")))


def case_data(hub, *, assigned_to, **values) -> case_services.CaseData:
    defaults = {
        "opened_on": timezone.localdate(),
        "assigned_to": assigned_to,
        "needs": CANARY,
        "need_topics": need_topics(hub),
    }
    defaults.update(values)
    return case_services.CaseData(**defaults)


def support_case(hub, *, actor, assigned_to=None, given=None, **values):
    data = case_data(hub, assigned_to=assigned_to or actor, **values)
    return case_services.open_case(hub, data, given or consent(), actor=actor)


def plan_item(case, *, actor, text=PLAN_CANARY, due_on=None):
    return case_services.add_plan_item(case, text, due_on=due_on, actor=actor)


def linkage_data(**values) -> case_services.LinkageData:
    defaults = {"service_kind": ServiceKind.NURSERY}
    defaults.update(values)
    return case_services.LinkageData(**defaults)


def warm_linkage_data(**values) -> case_services.LinkageData:
    defaults = {
        "service_kind": ServiceKind.WARD_HEALTH,
        "warm_handover": True,
        "consent": consent(),
        "handover_note": NOTE_CANARY,
    }
    defaults.update(values)
    return case_services.LinkageData(**defaults)


def linkage(case, *, actor, **values):
    return case_services.add_linkage(case, linkage_data(**values), actor=actor)


def activity(hub, *, actor, **values):
    defaults = {
        "happened_on": timezone.localdate(),
        "kind": ActivityKind.NETWORK_MEETING,
        "title": "区子育て支援ネットワーク会議",
        "participants": 12,
        "minutes": 90,
    }
    defaults.update(values)
    return case_services.record_activity(hub, case_services.ActivityData(**defaults), actor=actor)
