"""Support cases and the 地域連携 log (included by ``urls``; names share ``support:``)."""

from django.urls import path

from hiroba.support import case_views as views

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:case_id>/close/", views.case_close, name="case-close"),
    path("cases/<int:case_id>/reopen/", views.case_reopen, name="case-reopen"),
    path("cases/<int:case_id>/plan/", views.plan_item_add, name="plan-item-add"),
    path("cases/plan/<int:plan_item_id>/", views.plan_item_edit, name="plan-item-edit"),
    path("cases/plan/<int:plan_item_id>/done/", views.plan_item_done, name="plan-item-done"),
    path("cases/<int:case_id>/linkages/new/", views.linkage_add, name="linkage-add"),
    path("cases/linkages/<int:linkage_id>/", views.linkage_move, name="linkage-move"),
    path(
        "cases/linkages/<int:linkage_id>/follow-up/",
        views.linkage_follow_up_done,
        name="linkage-follow-up-done",
    ),
    path("community/", views.activity_list, name="activity-list"),
    path("community/new/", views.activity_create, name="activity-create"),
    path("community/<int:activity_id>/", views.activity_edit, name="activity-edit"),
]
