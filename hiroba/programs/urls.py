"""Staff URLs of programs, composed from the modules that own them."""

from hiroba.programs import print_urls, staff_urls, statistics_urls

app_name = "programs"

urlpatterns = [*staff_urls.urlpatterns, *statistics_urls.urlpatterns, *print_urls.urlpatterns]
