from django.urls import include, path

from hiroba.support import statistics_views, views

app_name = "support"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("slots/new/", views.slot_create, name="slot-create"),
    path("slots/<int:slot_id>/", views.slot_detail, name="slot-detail"),
    path("slots/<int:slot_id>/withdraw/", views.slot_withdraw, name="slot-withdraw"),
    path("slots/<int:slot_id>/book/", views.book_for_family, name="slot-book"),
    path("bookings/<int:booking_id>/", views.booking_detail, name="booking-detail"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:booking_id>/no-show/", views.booking_no_show, name="booking-no-show"),
    path("bookings/<int:booking_id>/record/", views.booking_record, name="booking-record"),
    path("statistics/", statistics_views.support_statistics, name="statistics"),
    path("statistics/export/", statistics_views.statistics_download, name="statistics-export"),
    path("", include("hiroba.support.case_urls")),
]
