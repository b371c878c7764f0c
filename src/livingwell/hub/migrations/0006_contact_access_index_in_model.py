"""The contact table's covering index for the dashboard's access count becomes part of the
contact model's state. Insight's migration 0007 created it with SQL; this migration only records
it, so that Django keeps it whenever it rebuilds the table (as SQLite's ALTER TABLE does)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0005_handover_returned_statistics"),
        ("insight", "0007_contact_access_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="contact",
                    index=models.Index(
                        fields=["outcome", "mode", "at", "introduction"],
                        name="insight_contact_access_idx",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
