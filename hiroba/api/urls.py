from django.urls import path

from hiroba.api import views

app_name = "api"

urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
]
