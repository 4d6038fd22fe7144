from django.urls import path

from hiroba.accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/", views.staff_list, name="staff-list"),
    path("people/invite/", views.staff_invite, name="staff-invite"),
    path("people/<int:membership_id>/", views.staff_detail, name="staff-detail"),
    path("people/<int:membership_id>/role/", views.staff_change_role, name="staff-change-role"),
    path("people/<int:membership_id>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("people/<int:membership_id>/reactivate/", views.staff_reactivate, name="staff-reactivate"),
    path("people/<int:membership_id>/unlock/", views.staff_unlock, name="staff-unlock"),
    path("people/<int:membership_id>/reset-mfa/", views.staff_clear_mfa, name="staff-clear-mfa"),
    path("city/accounts/", views.city_accounts, name="city-accounts"),
    path("city/accounts/invite/", views.city_account_invite, name="city-account-invite"),
    path(
        "city/accounts/<int:city_membership_id>/deactivate/",
        views.city_account_deactivate,
        name="city-account-deactivate",
    ),
    path(
        "city/accounts/<int:city_membership_id>/reactivate/",
        views.city_account_reactivate,
        name="city-account-reactivate",
    ),
    path("me/", views.profile, name="profile"),
    path("switch-hub/", views.switch_hub, name="switch-hub"),
]
