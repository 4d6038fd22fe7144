"""Demo news of the はなみずき区 hubs: the New Year closure pinned, a Christmas party written
in やさしい日本語 and English too, with a poster, volunteers wanted, the satellite's own notice,
one scheduled for next week, one expired and one draft, so every state shows in the list."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.news import services
from hiroba.news.choices import NewsStatus
from hiroba.news.images import clean_image


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _poster() -> SimpleUploadedFile:
    """A plain drawn poster (no font needed): coloured bands and circles like paper garlands."""
    picture = Image.new("RGB", (800, 450), (255, 244, 209))
    draw = ImageDraw.Draw(picture)
    for n, colour in enumerate([(214, 69, 65), (46, 139, 87), (65, 105, 225), (255, 165, 0)]):
        draw.ellipse((60 + n * 180, 120, 200 + n * 180, 260), fill=colour)
    draw.rectangle((0, 380, 800, 450), fill=(46, 139, 87))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return SimpleUploadedFile("poster.png", out.getvalue(), content_type="image/png")


@register("news.items", order=96)
def seed_news(ctx: DemoContext) -> None:
    hub, satellite = ctx.shared["hub"], ctx.shared["satellite"]
    staff = User.objects.get(email="staff@example.jp")
    today = ctx.today
    published = NewsStatus.PUBLISHED
    items = [
        (
            hub,
            {
                "category": "closure",
                "title": "年末年始の休館について",
                "body": "12月29日（月）から1月3日（土）まで、ひろばはお休みです。\n"
                "1月5日（月）から通常どおり開館します。",
                "translations": {
                    "ja-easy": {
                        "title": "年末年始 の おやすみ",
                        "body": "12月29日から 1月3日まで ひろば は おやすみ です。",
                    },
                    "en": {
                        "title": "Closed over the New Year",
                        "body": "The drop-in space is closed from 29 December to 3 January.",
                    },
                },
                "is_pinned": True,
                "publish_at": _at(today - timedelta(days=2), 9),
                "expires_at": _at(today + timedelta(days=45), 0),
                "status": published,
            },
        ),
        (
            hub,
            {
                "category": "event",
                "title": "ひろばのクリスマス会",
                "body": "12月19日（金）10時30分から、手遊びやパネルシアターを楽しみます。\n"
                "予約はいりません。0歳から3歳のお子さんと保護者の方、どなたでもどうぞ。",
                "translations": {
                    "ja-easy": {
                        "title": "クリスマス会 を します",
                        "body": "12月19日 10時30分から です。よやく は いりません。",
                    },
                    "en": {
                        "title": "Christmas party at the hub",
                        "body": "Friday 19 December from 10:30. No booking needed.",
                    },
                },
                "image_alt": "色とりどりの丸い飾りのポスター",
                "publish_at": _at(today - timedelta(days=1), 10),
                "status": published,
            },
            _poster(),
        ),
        (
            hub,
            {
                "category": "recruitment",
                "title": "ひろばサポーターを募集しています",
                "body": "絵本の読み聞かせやおもちゃの消毒を手伝ってくださる方を募集しています。"
                "詳しくはスタッフまでお声がけください。",
                "publish_at": _at(today - timedelta(days=20), 9),
                "status": published,
            },
        ),
        (
            satellite,
            {
                "category": "notice",
                "title": "サテライトの開館時間が変わります",
                "body": "来月から、火曜日は10時から15時までになります。",
                "publish_at": _at(today - timedelta(days=5), 9),
                "status": published,
            },
        ),
        (
            hub,
            {
                "category": "event",
                "title": "1月の講座のお知らせ",
                "body": "離乳食教室と父親の会の申込みは1月6日から始まります。",
                "publish_at": _at(today + timedelta(days=7), 9),
                "status": published,
            },
        ),
        (
            hub,
            {
                "category": "safety",
                "title": "感染症の流行にご注意ください",
                "body": "発熱のあるお子さんの来館はお控えください。",
                "publish_at": _at(today - timedelta(days=60), 9),
                "expires_at": _at(today - timedelta(days=30), 0),
                "status": published,
            },
        ),
        (
            hub,
            {
                "category": "kosapo",
                "title": "子サポ 入会説明会（下書き）",
                "body": "日程を調整中です。",
                "publish_at": _at(today, 9),
                "status": NewsStatus.DRAFT,
            },
        ),
    ]
    for where, values, *poster in items:
        image = clean_image(poster[0]) if poster else None
        services.create_item(where, actor=staff, image=image, **values)
    ctx.log(f"  news: {len(items)} items (1 scheduled, 1 expired, 1 draft)")
