from django.urls import path

from hiroba.news import views

app_name = "news"

urlpatterns = [
    path("", views.item_list, name="item-list"),
    path("new/", views.item_create, name="item-create"),
    path("<int:item_id>/edit/", views.item_edit, name="item-edit"),
    path("<int:item_id>/image/", views.item_image, name="item-image"),
    path("<int:item_id>/withdraw/", views.item_withdraw, name="item-withdraw"),
]
