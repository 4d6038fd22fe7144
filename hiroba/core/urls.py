"""Health endpoints for load balancers and monitoring (no sign-in, no personal data)."""

from django.urls import path

from hiroba.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
