"""Create a staff account from the command line — how a new installation gets its first city
administrator (there is no Django admin site, see docs/decisions/0005).

    manage.py create_account --email a@city.example.jp --name "横浜 太郎" \\
        --role city_admin --municipality 141003 --base-url https://hiroba.example.jp/
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from hiroba.accounts import services
from hiroba.accounts.choices import Role
from hiroba.core.models import Hub, Municipality, Ward
from hiroba.lib.errors import InputError
from hiroba.lib.text import normalize_email


class Command(BaseCommand):
    help = "Invite a person to a role at a hub, ward or municipality (sends the set-password mail)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="full name, e.g. 横浜 太郎")
        parser.add_argument("--kana", default="", help="name in kana (optional)")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--hub", type=int, help="hub id (for hub roles)")
        where.add_argument("--ward", help="ward code (for ward officials)")
        where.add_argument("--municipality", help="municipality code (for city administrators)")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000/",
            help="the site's address, used in the invitation link",
        )

    def handle(self, *args, **options):
        try:
            email = normalize_email(options["email"])
            validate_email(email)
        except (InputError, ValidationError) as error:
            raise CommandError(f"Not a valid e-mail address: {options['email']}") from error
        place = self._place(options)
        try:
            membership = services.invite(
                place,
                actor=None,
                email=email,
                full_name=options["name"].strip(),
                full_name_kana=options["kana"],
                role=Role(options["role"]),
                base_url=options["base_url"],
            )
        except services.AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{membership.user.email}: {membership.get_role_display()} at {place}. "
                "A new person receives an e-mail with a link to set the password."
            )
        )

    @staticmethod
    def _place(options):
        lookups = [
            (Hub, "pk", options["hub"]),
            (Ward, "code", options["ward"]),
            (Municipality, "code", options["municipality"]),
        ]
        for model, field, value in lookups:
            if value is not None:
                place = model.objects.filter(**{field: value}).first()
                if place is None:
                    raise CommandError(f"No {model._meta.model_name} with {field} {value}")
                return place
        raise CommandError("Give --hub, --ward or --municipality")
