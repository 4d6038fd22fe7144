import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from hiroba.news.choices import NewsState
from hiroba.news.models import NewsItem
from hiroba.testing.plugin import DEMO_BASE

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_news_shows_every_state(demo_steps):
    demo_steps(*DEMO_BASE, "news.items")
    call_command("seed_demo", "--quiet-logins")
    now = timezone.now()
    states = sorted(item.state(now) for item in NewsItem.objects.all())
    assert states.count(NewsState.LIVE) == 4
    assert {NewsState.SCHEDULED, NewsState.EXPIRED, NewsState.DRAFT} <= set(states)
    poster = NewsItem.objects.get(image__isnull=False)
    assert poster.image.content_type == "image/png" and poster.translations["en"]["title"]
