from django.db import migrations

POLICIES = [
    ("low", 2, "Simple cause, one party involved."),
    ("medium", 5, "Several parties or systems to consult."),
    ("high", 10, "Complex: vendors, several network elements or a long investigation."),
]


def seed(apps, schema_editor):
    model = apps.get_model("postmortems", "ComplexityPolicy")
    for complexity, days, description in POLICIES:
        model.objects.get_or_create(complexity=complexity, defaults={"business_days": days, "description": description})


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
