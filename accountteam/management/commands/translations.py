"""``manage.py translations update|compile|check``: see ``accountteam.catalogues``."""

import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accountteam import catalogues


class Command(BaseCommand):
    help = ("update: merge the code's messages into locale/ (needs GNU gettext) and compile; "
            "compile: write the .mo files (pure Python); check: list what is untranslated, fuzzy, "
            "has different placeholders or is not compiled.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "compile", "check"])

    def handle(self, *args, action, **options):
        if action in ("update", "check") and shutil.which("xgettext") is None:
            raise CommandError("GNU gettext is not installed (apt install gettext): it extracts the messages.")
        if action == "update":
            catalogues.extract()
        if action in ("update", "compile"):
            for path in catalogues.compile_all():
                self.stdout.write(f"compiled {path}")
            return
        with tempfile.TemporaryDirectory() as scratch:
            problems = catalogues.check(extract_code=True, scratch=Path(scratch))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problems in the translation catalogues.")
        self.stdout.write("Every message is translated in every catalogue.")
