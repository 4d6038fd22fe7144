from django.conf import settings
from django.utils import timezone


def hiroba(request):
    return {
        "DEMO_MODE": getattr(settings, "DEMO_MODE", False),
        "today": timezone.localdate(),
    }
