from django.urls import path

from hiroba.evaluation import public_views

app_name = "evaluation-public"

urlpatterns = [
    path("<int:hub_id>/", public_views.hub_sheets, name="hub"),
    path("<int:hub_id>/<int:sheet_id>/", public_views.sheet, name="sheet"),
    path("<int:hub_id>/<int:sheet_id>/sheet.pdf", public_views.sheet_pdf, name="sheet-pdf"),
]
