from django.urls import path

from hiroba.directory import import_views, views

app_name = "directory"

urlpatterns = [
    path("", views.resource_list, name="resource-list"),
    path("new/", views.resource_create, name="resource-create"),
    path("<int:resource_id>/edit/", views.resource_edit, name="resource-edit"),
    path("<int:resource_id>/verify/", views.resource_verify, name="resource-verify"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/<int:suggestion_id>/", views.suggestion_review, name="suggestion-review"),
    path("import/", import_views.resource_import, name="resource-import"),
    path("import/confirm/", import_views.resource_import_confirm, name="resource-import-confirm"),
    path("export.csv", import_views.resource_export, name="resource-export"),
    path("guide.pdf", views.resource_guide, name="resource-guide"),
]
