from django.urls import path

from hiroba.hubs import category_views, opening_views, reading_views, views

app_name = "hubs"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("hub/", views.current_hub_detail, name="current-hub"),
    path("hubs/<int:hub_id>/", views.hub_detail, name="hub-detail"),
    path("hubs/<int:hub_id>/edit/", views.hub_edit, name="hub-edit"),
    path("venues/", views.venue_list, name="venue-list"),
    path("venues/new/", views.venue_create, name="venue-create"),
    path("venues/<int:venue_id>/edit/", views.venue_edit, name="venue-edit"),
    path("venues/<int:venue_id>/active/", views.venue_set_active, name="venue-set-active"),
    path("districts/", views.district_list, name="district-list"),
    path("districts/new/", views.district_create, name="district-create"),
    path("districts/<int:district_id>/", views.district_detail, name="district-detail"),
    path("districts/<int:district_id>/edit/", views.district_edit, name="district-edit"),
    path("districts/import/", views.town_block_import, name="town-block-import"),
    path(
        "districts/import/confirm/",
        views.town_block_import_confirm,
        name="town-block-import-confirm",
    ),
    path("districts/export.csv", views.town_block_export, name="town-block-export"),
    path("hub/opening/", opening_views.opening_hours, name="opening-hours"),
    path(
        "hub/closures/<int:closure_id>/delete/",
        opening_views.closure_delete,
        name="closure-delete",
    ),
    path("categories/", category_views.categories, name="categories"),
    path("readings/", reading_views.reading_list, name="reading-list"),
    path(
        "readings/<int:reading_id>/delete/",
        reading_views.reading_delete,
        name="reading-delete",
    ),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:entry_id>/", views.audit_detail, name="audit-detail"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
]
