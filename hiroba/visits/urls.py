from django.urls import path

from hiroba.visits import import_views, report_views, views

app_name = "visits"

urlpatterns = [
    # Reception (tablet first)
    path("", views.reception, name="reception"),
    path("search/", views.reception_search, name="reception-search"),
    path("card/", views.card_lookup, name="card-lookup"),
    path("check-in/<int:household_id>/", views.check_in, name="check-in"),
    path("walk-in/", views.walk_in, name="walk-in"),
    path("today/", views.today_board, name="today-board"),
    path("<int:visit_id>/check-out/", views.check_out, name="check-out"),
    path("<int:visit_id>/cancel/", views.cancel_visit, name="cancel-visit"),
    # Daily log (日誌)
    path("logs/", views.daily_log_list, name="daily-log-list"),
    path("logs/open/", views.daily_log_open, name="daily-log-open"),
    path("logs/<int:log_id>/", views.daily_log_detail, name="daily-log-detail"),
    path("logs/<int:log_id>/incidents/new/", views.incident_add, name="incident-add"),
    # Statistics (月報・年報)
    path("statistics/", report_views.monthly_report, name="monthly-report"),
    path("statistics/year/", report_views.yearly_report, name="yearly-report"),
    path("statistics/trend/", report_views.trend_report, name="trend-report"),
    path("statistics/export/", report_views.report_export, name="report-export"),
    # Day tallies and imports of past tallies
    path("tallies/new/", import_views.tally_entry, name="tally-entry"),
    path("import/", import_views.tally_import, name="tally-import"),
    path("import/confirm/", import_views.tally_import_confirm, name="tally-import-confirm"),
]
