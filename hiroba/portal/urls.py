from django.urls import path

from hiroba.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("hubs/<int:hub_id>/", views.hub_page, name="hub"),
    path("register/", views.register, name="register"),
    path("register/postal-code/", views.postal_code, name="postal-code"),
    path("card/<str:card_token>/", views.card, name="card"),
]
