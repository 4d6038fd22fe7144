from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "kosapo.member.registered": _("Kosapo member registered (provisional)"),
        "kosapo.member.briefing_recorded": _("Kosapo briefing and identity check recorded"),
        "kosapo.member.activated": _("Kosapo member registered with a card"),
        "kosapo.member.renewed": _("Kosapo membership renewed"),
        "kosapo.member.renewals_due": _("Kosapo memberships due for renewal"),
        "kosapo.member.suspended": _("Kosapo membership suspended"),
        "kosapo.member.reinstated": _("Kosapo membership reinstated"),
        "kosapo.member.withdrawn": _("Kosapo member withdrawn"),
        "kosapo.kosapomember.viewed": _("Kosapo member page read"),
        "kosapo.training.recorded": _("Provider training recorded"),
        "kosapo.coupons.issued": _("Trial coupons issued"),
        "kosapo.profile.updated": _("Provider profile and weekly times updated"),
        "kosapo.profile.away_added": _("Provider's days away added"),
        "kosapo.profile.away_removed": _("Provider's days away removed"),
        "kosapo.carerequest.viewed": _("Kosapo request page read"),
        "kosapo.request.created": _("Kosapo request taken"),
        "kosapo.request.contact_recorded": _("Provider asked about a Kosapo request"),
        "kosapo.request.introduced": _("Provider introduced for a Kosapo request"),
        "kosapo.request.introduction_withdrawn": _("Introduced provider withdrew"),
        "kosapo.request.ended": _("Kosapo request closed"),
    }
)
