from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberKind(models.TextChoices):
    USER = "user", _("User member (利用会員)")
    PROVIDER = "provider", _("Provider member (提供会員)")
    BOTH = "both", _("Both (両方会員)")

    @property
    def uses(self) -> bool:
        return self in (MemberKind.USER, MemberKind.BOTH)

    @property
    def provides(self) -> bool:
        return self in (MemberKind.PROVIDER, MemberKind.BOTH)


class MemberStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional (仮登録)")
    ACTIVE = "active", pgettext_lazy("kosapo member", "Active (有効)")
    RENEWAL_DUE = "renewal_due", _("Renewal due (更新待ち)")
    SUSPENDED = "suspended", _("Suspended (休止)")
    WITHDRAWN = "withdrawn", _("Withdrawn (退会)")


CURRENT_STATUSES = (
    MemberStatus.PROVISIONAL,
    MemberStatus.ACTIVE,
    MemberStatus.RENEWAL_DUE,
    MemberStatus.SUSPENDED,
)


class IdentityDocument(models.TextChoices):
    """What was shown at the briefing; we record the kind only, never the document's number."""

    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    MY_NUMBER_CARD = "my_number_card", _("My Number card (front only)")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card")
    RESIDENCE_CARD = "residence_card", _("Residence card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other photo ID")


class TrainingItem(models.TextChoices):
    ONSITE = "onsite", _("On-site training (実地研修)")
    ELEARNING = "elearning", _("E-learning")
    LIFE_SAVING = "life_saving", _("Emergency life-saving course (緊急救命講習)")
    ACCIDENT_PREVENTION = "accident_prevention", _("Accident prevention course (事故防止講習)")
    FOLLOW_UP = "follow_up", _("Follow-up training")


SAFETY_COURSES = (TrainingItem.LIFE_SAVING, TrainingItem.ACCIDENT_PREVENTION)


class CouponEntry(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("coupon", "Issued")
    USED = "used", pgettext_lazy("coupon", "Used")
    RETURNED = "returned", pgettext_lazy("coupon", "Returned")
