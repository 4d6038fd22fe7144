from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "consultations.consultation.recorded": _("Consultation recorded"),
        "consultations.consultation.updated": _("Consultation edited"),
        "consultations.consultation.viewed": _("Consultation record read"),
        "consultations.consultation.listed": _("Consultation topics listed"),
        "consultations.note.added": _("Consultation note added"),
        "consultations.follow_up.completed": _("Consultation follow-up done"),
        "consultations.break_glass.opened": _("Consultation record opened by break-glass"),
        "consultations.break_glass.acknowledged": _("Break-glass opening acknowledged"),
        "consultations.break_glass.reasons_viewed": _("Break-glass reasons read"),
        "consultations.access.reviewed": _("Monthly access review signed off"),
        "consultations.referral.made": _("Referral made with consent"),
        "consultations.referral.moved": _("Referral status changed"),
        "consultations.agency.created": _("Agency added"),
        "consultations.agency.updated": _("Agency updated"),
        "consultations.statistics.exported": _("Consultation statistics exported"),
    }
)
