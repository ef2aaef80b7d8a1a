from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from teams import imports, services


class Command(BaseCommand):
    help = (
        "Load assignments from a CSV export with columns account, role, person_email, "
        "start_date[, end_date, note, product_area]. Every row is checked first; nothing is written "
        "unless all are valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as handle:
                report = imports.validate_assignment_csv(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text.") from exc
        if not report.ok:
            for line, reason in report.errors:
                self.stderr.write(f"{file}:{line}: {reason}")
            raise CommandError(
                f"{len(report.errors)} bad row(s); nothing was imported."
            )
        try:
            created = services.assignments_import(rows=report.rows)
        except ValidationError as exc:  # a conflicting assignment was added meanwhile
            raise CommandError(f"Nothing was imported: {' '.join(exc.messages)}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {len(created)} assignment(s) from {file}."))
