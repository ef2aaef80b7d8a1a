from django.db import migrations

from handoffs.checklist import seed_checklist


def seed(apps, schema_editor):
    seed_checklist(apps.get_model("handoffs", "ChecklistTemplateItem"))


class Migration(migrations.Migration):
    dependencies = [("handoffs", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
