import uuid

import django.utils.timezone
from django.db import migrations, models


def give_existing_sessions_ids(apps, schema_editor):
    UserSession = apps.get_model("accounts", "UserSession")
    for row in UserSession.objects.all():
        row.public_id = uuid.uuid4()
        row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="usersession",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_existing_sessions_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="usersession",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="usersession",
            name="last_seen_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterModelOptions(
            name="usersession",
            options={"ordering": ["-last_seen_at"]},
        ),
    ]
