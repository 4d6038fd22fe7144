from django.urls import path

from hiroba.kosapo import fee_views, request_views, views

app_name = "kosapo"

urlpatterns = [
    path("members/", views.member_list, name="member-list"),
    path("members/new/", views.member_create, name="member-create"),
    path("members/<int:kosapo_member_id>/", views.member_detail, name="member-detail"),
    path("members/<int:kosapo_member_id>/briefing/", views.member_briefing, name="member-briefing"),
    path("members/<int:kosapo_member_id>/activate/", views.member_activate, name="member-activate"),
    path("members/<int:kosapo_member_id>/renew/", views.member_renew, name="member-renew"),
    path(
        "members/<int:kosapo_member_id>/reinstate/", views.member_reinstate, name="member-reinstate"
    ),
    path(
        "members/<int:kosapo_member_id>/suspend/",
        views.member_end,
        {"outcome": "suspend"},
        name="member-suspend",
    ),
    path(
        "members/<int:kosapo_member_id>/withdraw/",
        views.member_end,
        {"outcome": "withdraw"},
        name="member-withdraw",
    ),
    path("members/<int:kosapo_member_id>/training/", views.training_add, name="training-add"),
    path("members/<int:kosapo_member_id>/coupons/", views.coupons_issue, name="coupons-issue"),
    path(
        "members/<int:kosapo_member_id>/profile/",
        request_views.provider_profile,
        name="provider-profile",
    ),
    path("members/<int:kosapo_member_id>/away/", request_views.provider_away, name="provider-away"),
    path(
        "members/<int:kosapo_member_id>/requests/new/",
        request_views.request_create,
        name="request-create",
    ),
    path("requests/", request_views.request_list, name="request-list"),
    path("requests/<int:kosapo_request_id>/", request_views.request_detail, name="request-detail"),
    path(
        "requests/<int:kosapo_request_id>/contact/",
        request_views.request_contact,
        name="request-contact",
    ),
    path(
        "requests/<int:kosapo_request_id>/introduce/",
        request_views.request_introduce,
        name="request-introduce",
    ),
    path(
        "requests/<int:kosapo_request_id>/withdraw/",
        request_views.request_withdraw,
        name="request-withdraw",
    ),
    path("requests/<int:kosapo_request_id>/end/", request_views.request_end, name="request-end"),
    path("fees/", fee_views.fee_simulator, name="fee-simulator"),
]
