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


class RequestKind(models.TextChoices):
    ESCORT = "escort", _("Escort (送迎)")
    CARE = "care", _("Childcare (預かり)")
    BOTH = "both", _("Escort and childcare (送迎と預かり)")

    @property
    def escorts(self) -> bool:
        return self in (RequestKind.ESCORT, RequestKind.BOTH)


class RequestPattern(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Every week")


class CarePlace(models.TextChoices):
    PROVIDER_HOME = "provider_home", _("The provider's home")
    FAMILY_HOME = "family_home", _("The family's home")
    HUB = "hub", _("The hub's play space")


class RequestReason(models.TextChoices):
    REFRESH = "refresh", _("A break for the parent (リフレッシュ)")
    WORK = "work", _("Work (就労)")
    HOSPITAL = "hospital", _("Hospital or clinic (通院)")
    PERINATAL = "perinatal", _("Before or after a birth (産前産後)")
    SIBLING_EVENT = "sibling_event", _("A sibling's school event (きょうだいの行事)")
    SCHOOL_ESCORT = "school_escort", _("To and from school or nursery (登園・登校)")
    LESSONS = "lessons", _("To and from lessons (習い事)")
    OTHER = "other", _("Other")


class ReceivedVia(models.TextChoices):
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("At the counter")
    PORTAL = "portal", _("My Page")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received (受付)")
    ARRANGING = "arranging", _("Arranging (調整中)")
    INTRODUCED = "introduced", _("Provider introduced (紹介済)")
    PRE_MET = "pre_met", _("Pre-meeting held (打合せ済)")
    ACTIVE = "active", _("In progress (活動中)")
    UNMATCHED = "unmatched", _("Not matched (不成立)")
    CLOSED = "closed", _("Finished (終了)")
    CANCELLED = "cancelled", _("Cancelled by the family")


OPEN_REQUEST_STATUSES = (RequestStatus.RECEIVED, RequestStatus.ARRANGING)
# A provider holding one of these requests is busy at its times: never booked twice.
COMMITTED_REQUEST_STATUSES = (
    RequestStatus.INTRODUCED,
    RequestStatus.PRE_MET,
    RequestStatus.ACTIVE,
)


class ContactResponse(models.TextChoices):
    YES = "yes", _("Can do it (可)")
    NO = "no", _("Cannot (不可)")
    PENDING = "pending", _("Will answer later (保留)")


WEEKDAY_LABELS = (
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun"),
)


def weekday_names(days) -> str:
    """Weekday numbers (Monday = 0) as "月・水・金"."""
    return "・".join(str(WEEKDAY_LABELS[int(d)]) for d in sorted({int(d) for d in days}))
