from django.db import migrations

from escalations.policies import seed_guidelines, seed_routing


def seed(apps, schema_editor):
    seed_guidelines(apps.get_model("escalations", "ResponsePolicy"))
    seed_routing(apps.get_model("escalations", "RoutingRule"))


class Migration(migrations.Migration):
    dependencies = [("escalations", "0007_routing_clocks_follows")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
