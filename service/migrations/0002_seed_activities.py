from django.db import migrations

from service.catalogue import seed_activities


def seed(apps, schema_editor):
    seed_activities(apps.get_model("service", "Activity"))


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
