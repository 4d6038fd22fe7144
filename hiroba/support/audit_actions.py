from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "support.slot.published": _("Support slots published"),
        "support.slot.withdrawn": _("Support slot withdrawn"),
        "support.booking.made": _("Support slot booked"),
        "support.booking.cancelled": _("Support booking cancelled"),
        "support.booking.attended": _("Support booking held and recorded"),
        "support.booking.no_show": _("Support booking marked as not come"),
        "support.supportbooking.viewed": _("Support booking message read"),
        "support.statistics.exported": _("User-support statistics exported"),
    }
)

# Support cases and the 地域連携 log (case_services.py).
register_actions(
    {
        "support.case.opened": _("Support case opened"),
        "support.case.updated": _("Support case edited"),
        "support.case.closed": _("Support case closed"),
        "support.case.reopened": _("Support case reopened"),
        "support.case.viewed": _("Support case read"),
        "support.case.listed": _("Support cases listed"),
        "support.plan_item.added": _("Support plan item added"),
        "support.plan_item.updated": _("Support plan item edited"),
        "support.plan_item.done": _("Support plan item marked done"),
        "support.plan_item.undone": _("Support plan item marked not done"),
        "support.linkage.added": _("Linkage to a service recorded"),
        "support.linkage.moved": _("Linkage status changed"),
        "support.linkage.followed_up": _("Linkage follow-up done"),
        "support.community_activity.recorded": _("Community liaison activity recorded"),
        "support.community_activity.updated": _("Community liaison activity edited"),
    }
)
