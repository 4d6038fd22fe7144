"""Printable documents of programs: the roster PDF of one session.

The roster carries names and phone numbers, so it is for those who may see rosters
(``VIEW_PROGRAMS``) at the session's hub; the session is loaded through the scoped query
(404 outside the user's reach) and every print is written to the audit log.
"""

from __future__ import annotations

from django.http import HttpResponse

from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import audit
from hiroba.programs import pdf, queries
from hiroba.programs.permissions import VIEW_PROGRAMS


@staff_view(VIEW_PROGRAMS, check=CHECK_OBJECT)
def roster_pdf(request, session_id: int):
    """The session's roster as a PDF shown in the browser, ready to print."""
    session = queries.get_session_for_user(request.user, session_id, VIEW_PROGRAMS)
    program = session.program
    data = pdf.roster_data(program, session)
    document = pdf.compile_typst(pdf.ROSTER_TEMPLATE, data)
    audit.record(
        "programs.roster.exported",
        actor=request.user,
        obj=session,
        hub=program.hub,
        payload={
            "program_id": program.pk,
            "session_id": session.pk,
            "format": "pdf",
            "confirmed": len(data["confirmed"]),
            "waiting": len(data["waiting"]),
            "offered": len(data["offered"]),
        },
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = pdf.content_disposition(program, session)
    response["Cache-Control"] = "no-store"
    return response
