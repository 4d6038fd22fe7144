from django.urls import path

from hiroba.consultations import statistics_views, views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("new/", views.consultation_create, name="consultation-create"),
    path("<int:consultation_id>/", views.consultation_detail, name="consultation-detail"),
    path("<int:consultation_id>/edit/", views.consultation_edit, name="consultation-edit"),
    path("<int:consultation_id>/open/", views.break_glass, name="break-glass"),
    path("<int:consultation_id>/notes/", views.note_add, name="note-add"),
    path("<int:consultation_id>/follow-up/", views.follow_up_done, name="follow-up-done"),
    path("<int:consultation_id>/refer/", views.referral_create, name="referral-create"),
    path("referrals/<int:referral_id>/", views.referral_move, name="referral-move"),
    path("access-review/", views.access_review, name="access-review"),
    path(
        "access-review/openings/<int:opening_id>/acknowledge/",
        views.opening_acknowledge,
        name="opening-acknowledge",
    ),
    path("statistics/", statistics_views.consultation_statistics, name="statistics"),
    path("statistics/export/", statistics_views.statistics_download, name="statistics-export"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:agency_id>/", views.agency_edit, name="agency-edit"),
]
