from django.urls import path

from hiroba.portal import (
    my_views,
    news_views,
    program_views,
    resource_views,
    sign_in_views,
    support_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("hubs/<int:hub_id>/", views.hub_page, name="hub"),
    path("wards/<int:ward_id>/", views.ward_page, name="ward"),
    path("hubs/<int:hub_id>/programs.ics", program_views.hub_ics, name="hub-programs-ics"),
    path("register/", views.register, name="register"),
    path("register/postal-code/", views.postal_code, name="postal-code"),
    path("card/<str:card_token>/", views.card, name="card"),
    # Programs and sign-up (issue 4)
    path("programs/", program_views.program_list, name="programs"),
    path("programs/<int:program_id>/", program_views.program_detail, name="program"),
    path("programs/<int:program_id>/apply/", program_views.apply, name="program-apply"),
    path("programs/<int:program_id>/program.ics", program_views.program_ics, name="program-ics"),
    path("programs/entries/<str:token>/", my_views.entry_link, name="entry-link"),
    *(
        path(
            f"programs/entries/<str:token>/{action}/",
            my_views.entry_link_action,
            {"action": action},
            name=f"entry-link-{action}",
        )
        for action in my_views.ACTIONS
    ),
    # News and its feeds (issue 7)
    path("news/", news_views.news_list, name="news"),
    path("news.atom", news_views.news_feed, name="news-feed"),
    path("news/<int:item_id>/", news_views.news_item, name="news-item"),
    path("news/<int:item_id>/image", news_views.news_image, name="news-image"),
    path("hubs/<int:hub_id>/news.atom", news_views.news_feed, name="hub-news-feed"),
    path("programs.ics", program_views.all_ics, name="programs-ics"),
    # The resource map and directory (issue 7)
    path("resources/", resource_views.resource_list, name="resources"),
    path("resources.json", resource_views.resources_json, name="resources-json"),
    path("resources/suggest/", resource_views.suggest, name="resource-suggest"),
    path("resources/<int:resource_id>/", resource_views.resource_detail, name="resource"),
    path(
        "resources/<int:resource_id>/suggest/",
        resource_views.suggest,
        name="resource-suggest-correction",
    ),
    # Individual consultations with the user-support specialist (issue 6)
    path("support/", support_views.slot_list, name="support-slots"),
    path("support/slots/<int:slot_id>/book/", support_views.book, name="support-book"),
    # My Page: the signed-in family
    path("my/", my_views.my_page, name="my-page"),
    path("my/contact/", my_views.contact, name="my-contact"),
    path("my/entries/<int:program_entry_id>/", my_views.my_entry, name="my-entry"),
    *(
        path(
            f"my/entries/<int:program_entry_id>/{action}/",
            my_views.my_entry_action,
            {"action": action},
            name=f"my-entry-{action}",
        )
        for action in my_views.ACTIONS
    ),
    path("my/support/<int:booking_id>/", support_views.my_booking, name="my-support-booking"),
    path(
        "my/support/<int:booking_id>/cancel/",
        support_views.my_booking_cancel,
        name="my-support-booking-cancel",
    ),
    path("my/sign-in/", sign_in_views.sign_in_form, name="sign-in"),
    path("my/sign-in/sent/", sign_in_views.sent, name="sign-in-sent"),
    path("my/sign-in/<str:token>/", sign_in_views.link, name="sign-in-link"),
    path("my/sign-out/", sign_in_views.sign_out, name="sign-out"),
]
