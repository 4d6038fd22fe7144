from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from hiroba.accounts.matrix import render_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Print the permission matrix as Markdown, or --write it to docs/permissions.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="write docs/permissions.md")

    def handle(self, *args, write: bool, **options):
        text = render_markdown()
        if write:
            DOC.parent.mkdir(exist_ok=True)
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {DOC}")
        else:
            self.stdout.write(text, ending="")
