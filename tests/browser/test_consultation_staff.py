"""Hub staff on a tablet record a consultation as they talk with a mother (full-width digits,
ages as 0歳5か月), read it back, and refer the family to the ward's public health nurse with
her consent; a colleague without need-to-know sees that the record exists, not what it says.

Tablet viewport (768×1024). Texts are asserted in English (``hiroba_language=en``).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hiroba.consultations.models import Consultation, Referral
from hiroba.consultations.tests.factories import agency

from .helpers import make_hub_staff, sign_in

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def _signed_in(new_context, staff):
    page = new_context().new_page()
    page.set_viewport_size(TABLET)
    page.goto("/accounts/login/")
    sign_in(page, staff)
    return page


def test_staff_record_a_consultation_and_refer_with_consent(new_context):
    staff = make_hub_staff()
    hub = staff.memberships.get().hub
    nurse = agency(hub, name="こども家庭支援課 保健師")
    page = _signed_in(new_context, staff)

    page.goto(reverse("consultations:consultation-create"))
    page.get_by_label("Minutes").fill("２０")
    page.get_by_label("Children's ages").fill("０歳５か月")
    page.get_by_label("睡眠").check()
    page.get_by_label("母の心身").check()
    page.get_by_label("Summary").fill("夜泣きが続き眠れていない。保健師の訪問を希望。")
    page.get_by_label("Referral").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/staff/consultations/\d+/$"))
    record = Consultation.objects.get()
    assert (record.child_ages, record.duration_minutes) == ([5], 20)
    assert "夜泣きが続き" in page.inner_text("main")
    assert "0歳5か月" in page.inner_text("main")

    page.get_by_role("link", name="Refer to an agency").click()
    page.get_by_label("Agency").select_option(str(nurse.pk))
    page.get_by_label("Reason").fill("産後の気分の落ち込み。家庭訪問を依頼。")
    page.get_by_role("button", name="Record the referral").click()
    assert "needs the family's consent" in page.inner_text("main")  # refused without it
    assert not Referral.objects.exists()
    page.get_by_label("The family agreed to this referral").check()
    page.get_by_role("button", name="Record the referral").click()
    page.wait_for_url(re.compile(r"/staff/consultations/\d+/$"))
    referral = Referral.objects.get()
    assert (referral.agency, referral.consent_recorded_by) == (nurse, staff)
    assert "こども家庭支援課 保健師" in page.inner_text("main")

    colleague = make_hub_staff(hub=hub)
    other = _signed_in(new_context, colleague)
    other.goto(reverse("consultations:consultation-list"))
    assert record.reference in other.inner_text("main")
    other.get_by_role("link", name=record.reference).click()
    assert "need-to-know" in other.inner_text("main")
    assert "夜泣き" not in other.content()
