"""A covering index for the dashboard's "two attended contacts" access count.

The access count reads a year of attended direct contacts (outcome, mode, time and introduction);
with this index it reads them from the index alone. The time comes after the mode so that the
index never offers contacts in time order: the first-contact lookup per introduction keeps using
hub's (introduction, at) index. The index is on hub's contact table but only insight reads by
it, so it is created here with SQL that works on SQLite and PostgreSQL (it is not part of the
hub model's state). tests/integration/insight/test_access_index.py checks that it exists and
that the access count's query reads it.
"""

from django.db import migrations

INDEX = "insight_contact_access_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0006_chart_annotation_edit_withdraw"),
        ("hub", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "hub_contact" '
            '("outcome", "mode", "at", "introduction_id")',
            reverse_sql=f'DROP INDEX IF EXISTS "{INDEX}"',
        ),
    ]
