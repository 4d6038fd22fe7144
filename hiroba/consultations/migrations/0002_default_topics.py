"""Cities that existed before consultations arrived get the default topic list (new cities get
it when they are created: signals.py)."""

from django.db import migrations

from hiroba.consultations.choices import DEFAULT_TOPICS


def add_default_topics(apps, schema_editor):
    Municipality = apps.get_model("core", "Municipality")
    Topic = apps.get_model("consultations", "ConsultationTopic")
    for city in Municipality.objects.all():
        if Topic.objects.filter(municipality=city).exists():
            continue
        Topic.objects.bulk_create(
            Topic(municipality=city, code=code, label=label, order=index * 10)
            for index, (code, label) in enumerate(DEFAULT_TOPICS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(add_default_topics, migrations.RunPython.noop)]
