"""URL map: the public portal at /, the staff console at /staff/, sign-in at /accounts/."""

from django.urls import include, path
from django.views.i18n import set_language

from hiroba.api.v1 import api as api_v1
from hiroba.core import views as core_views

urlpatterns = [
    path("", include("hiroba.portal.urls")),
    path("staff/", include("hiroba.hubs.urls")),
    path("staff/families/", include("hiroba.families.urls")),
    path("staff/visits/", include("hiroba.visits.urls")),
    path("staff/programs/", include("hiroba.programs.urls")),
    path("staff/consultations/", include("hiroba.consultations.urls")),
    path("staff/support/", include("hiroba.support.urls")),
    path("staff/kosapo/", include("hiroba.kosapo.urls")),
    path("staff/directory/", include("hiroba.directory.urls")),
    path("staff/news/", include("hiroba.news.urls")),
    path("staff/evaluation/", include("hiroba.evaluation.urls")),
    path("staff/api-tokens/", include("hiroba.api.urls")),
    path("api/v1/", api_v1.urls),
    path("evaluation/", include("hiroba.evaluation.public_urls")),
    path("staff/", include("hiroba.accounts.urls")),
    # Staff accounts are created by managers and their login e-mail is managed there, so
    # allauth's self-service sign-up and e-mail pages are switched off.
    path("accounts/signup/", core_views.page_not_found),
    path("accounts/email/", core_views.page_not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/language/", core_views.choose_language, name="choose-language"),
    path("", include("hiroba.core.urls")),
]

handler400 = "hiroba.core.views.bad_request"
handler403 = "hiroba.core.views.permission_denied"
handler404 = "hiroba.core.views.page_not_found"
handler500 = "hiroba.core.views.server_error"
