from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "programs.program.created": _("Program created"),
        "programs.program.viewed": _("Program roster viewed"),
        "programs.program.updated": _("Program changed"),
        "programs.program.published": _("Program published"),
        "programs.program.cancelled": _("Program cancelled"),
        "programs.session.added": _("Program session added"),
        "programs.session.updated": _("Program session changed"),
        "programs.session.removed": _("Program session removed"),
        "programs.entry.created": _("Program entry received"),
        "programs.entry.cancelled": _("Program entry cancelled"),
        "programs.entry.offered": _("Seat offered from the waiting list"),
        "programs.entry.accepted": _("Offered seat accepted"),
        "programs.entry.declined": _("Offered seat declined"),
        "programs.entry.lapsed": _("Offered seat lapsed"),
        "programs.lottery.drawn": _("Lottery drawn"),
        "programs.attendance.recorded": _("Attendance recorded"),
        "programs.walk_ins.recorded": _("Participants without sign-up counted"),
        "programs.roster.exported": _("Roster printed or exported"),
        "programs.statistics.exported": _("Program statistics exported"),
    }
)
