"""django-rest-knox's own first migration creates its AuthToken table even though the portal swaps
that model for ApiToken (KNOX_TOKEN_MODEL): the table stays empty, but its foreign key to the
users blocks PostgreSQL's TRUNCATE of auth_user (flushes, test teardown). Drop it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accountteam", "0004_api_token"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop),
    ]
