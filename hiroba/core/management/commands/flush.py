"""Django's ``flush``, allowed to empty the append-only audit log too (it empties everything).

Tests that reset the database between cases (``transaction=True``, live servers) use it."""

from django.core.management.commands.flush import Command as FlushCommand

from hiroba.core.append_only import purge_allowed


class Command(FlushCommand):
    def handle(self, **options):
        with purge_allowed(options["database"]):
            return super().handle(**options)
