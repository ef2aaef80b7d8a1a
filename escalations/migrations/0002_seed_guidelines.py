from django.db import migrations

from escalations.policies import seed_guidelines


def seed(apps, schema_editor):
    # The carrier's guidelines are data every deployment starts with, not demo data.
    seed_guidelines(apps.get_model("escalations", "ResponsePolicy"))


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
