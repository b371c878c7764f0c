# The dashboard snapshot stores figures (data), not rendered HTML: see ADR 0008.

from django.db import migrations, models


def delete_snapshots(apps, schema_editor):
    # Stored snapshots are computed results, not records: the next view or the scheduled
    # refresh computes them again. Deleted both ways, so no row ever lacks what it is served by.
    apps.get_model("insight", "DashboardSnapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0007_contact_access_index"),
    ]

    operations = [
        migrations.RunPython(delete_snapshots, delete_snapshots),
        migrations.RemoveField(
            model_name="dashboardsnapshot",
            name="body_html",
        ),
        migrations.AddField(
            model_name="dashboardsnapshot",
            name="figures",
            field=models.JSONField(default=dict),
        ),
    ]
