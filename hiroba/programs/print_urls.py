"""Staff URLs of printable program documents (the session roster PDF)."""

from django.urls import path

from hiroba.programs import print_views

urlpatterns = [
    path("sessions/<int:session_id>/roster.pdf", print_views.roster_pdf, name="roster-pdf"),
]
