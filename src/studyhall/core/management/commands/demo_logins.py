"""Print the demo's logins, one per role, when the demo is loaded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from studyhall.accounts.models import User
from studyhall.core.demo import is_loaded
from studyhall.core.demo.cast import DEMO_PASSWORD, demo_logins

NOT_LOADED = "The demo is not loaded. Load it with: python manage.py seed_demo"


class Command(BaseCommand):
    help = "Print one demo login per role, with the shared demo password."

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_loaded():
            self.stdout.write(NOT_LOADED)
            return
        logins = demo_logins()
        present = set(
            User.objects.filter(
                email__in=[login.person.email for login in logins], is_active=True
            ).values_list("email", flat=True)
        )
        rows = [login for login in logins if login.person.email in present]
        role_width = max(len("Role"), *(len(login.label) for login in rows))
        email_width = max(len("Email"), *(len(login.person.email) for login in rows))
        self.stdout.write(f"Demo logins at {settings.SITE_URL}/")
        self.stdout.write(f"Password for every account: {DEMO_PASSWORD}")
        self.stdout.write("")
        self.stdout.write(f"  {'Role':<{role_width}}  {'Email':<{email_width}}  Name")
        for login in rows:
            person = login.person
            self.stdout.write(
                f"  {login.label:<{role_width}}  {person.email:<{email_width}}  "
                f"{person.display_name}"
            )
