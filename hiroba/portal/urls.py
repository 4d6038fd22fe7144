from django.urls import path

from hiroba.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("hubs/<int:hub_id>/", views.hub_page, name="hub"),
]
