from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "visits.visit.checked_in": _("Family checked in"),
        "visits.visit.members_added": _("Members added to a visit"),
        "visits.visit.checked_out": _("Family checked out"),
        "visits.visit.cancelled": _("Visit removed"),
        "visits.walk_in.recorded": _("Walk-in group counted"),
        "visits.tally.recorded": _("Day's tally recorded"),
        "visits.tally.imported": _("Past tallies imported"),
        "visits.daily_log.saved": _("Daily log saved"),
        "visits.incident.recorded": _("Incident or near-miss recorded"),
        "visits.report.exported": _("Visit statistics exported"),
    }
)
