"""Staff URLs of programs: planning, rosters, phone entries, the lottery and attendance.

Keyword names follow the permission matrix test: ``program_id``, ``session_id`` and
``program_entry_id`` (``entry_id`` is an audit log entry there).
"""

from django.urls import path

from hiroba.programs import views, views_attendance, views_entries

urlpatterns = [
    # Planning
    path("", views.program_list, name="program-list"),
    path("new/", views.program_create, name="program-create"),
    path("<int:program_id>/edit/", views.program_edit, name="program-edit"),
    path("<int:program_id>/publish/", views.program_publish, name="program-publish"),
    path("<int:program_id>/cancel/", views.program_cancel, name="program-cancel"),
    path("<int:program_id>/sessions/", views.program_sessions, name="program-sessions"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/remove/", views.session_remove, name="session-remove"),
    # The roster and entries on a family's behalf
    path("<int:program_id>/", views_entries.program_detail, name="program-detail"),
    path("<int:program_id>/enter/", views_entries.entry_search, name="entry-search"),
    path(
        "<int:program_id>/enter/<int:household_id>/",
        views_entries.entry_create,
        name="entry-create",
    ),
    path("entries/<int:program_entry_id>/cancel/", views_entries.entry_cancel, name="entry-cancel"),
    # The lottery
    path("<int:program_id>/draw/", views_entries.lottery_draw, name="lottery-draw"),
    path("<int:program_id>/lottery/", views_entries.lottery_record, name="lottery-record"),
    # Attendance (tablet)
    path("attendance/", views_attendance.attendance_today, name="attendance-today"),
    path("sessions/<int:session_id>/attendance/", views_attendance.attendance, name="attendance"),
    path("sessions/<int:session_id>/walk-ins/", views_attendance.walk_ins, name="walk-ins"),
]
