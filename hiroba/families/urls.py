from django.urls import path

from hiroba.families import import_views, views

app_name = "families"

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("new/", views.household_create, name="household-create"),
    path("pending/", views.pending_list, name="pending-list"),
    path("postal-code/", views.postal_code_lookup, name="postal-code-lookup"),
    path("<int:household_id>/", views.household_detail, name="household-detail"),
    path("<int:household_id>/edit/", views.household_edit, name="household-edit"),
    path("<int:household_id>/members/new/", views.member_add, name="member-add"),
    path("members/<int:member_id>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:member_id>/left/", views.member_left, name="member-left"),
    path("<int:household_id>/consent/", views.consent_record, name="consent-record"),
    path("<int:household_id>/confirm/", views.household_confirm, name="household-confirm"),
    path("<int:household_id>/card/", views.household_card, name="household-card"),
    path("<int:household_id>/card/qr.svg", views.household_card_qr, name="household-card-qr"),
    path("<int:household_id>/card/reissue/", views.card_reissue, name="card-reissue"),
    path("<int:household_id>/duplicates/", views.household_duplicates, name="household-duplicates"),
    path("<int:household_id>/merge/<int:other_id>/", views.household_merge, name="household-merge"),
    path("import/", import_views.family_import, name="family-import"),
    path("import/confirm/", import_views.family_import_confirm, name="family-import-confirm"),
]
