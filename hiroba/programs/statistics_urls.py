"""URLs of the program statistics (aggregates only) and their downloads."""

from django.urls import path

from hiroba.programs import statistics_views

urlpatterns = [
    path("statistics/", statistics_views.program_statistics, name="statistics"),
    path("statistics/export/", statistics_views.statistics_download, name="statistics-export"),
]
