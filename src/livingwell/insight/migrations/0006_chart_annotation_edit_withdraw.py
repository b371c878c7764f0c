# Process changes and targets can be edited (with history) and withdrawn (kept, never deleted).
# changed_at starts as each annotation's created_at.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def changed_at_from_created_at(apps, schema_editor):
    ChartAnnotation = apps.get_model("insight", "ChartAnnotation")
    ChartAnnotation.objects.update(changed_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("insight", "0005_dashboard_snapshot"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="chartannotation",
            name="changed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(changed_at_from_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="chartannotation",
            name="changed_at",
            field=models.DateTimeField(),
        ),
        migrations.AddField(
            model_name="chartannotation",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="chartannotation",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="chartannotation",
            name="withdrawal_reason",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.CreateModel(
            name="ChartAnnotationEdit",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("edited_at", models.DateTimeField()),
                ("reason", models.CharField(max_length=200)),
                ("previous_effective_date", models.DateField()),
                (
                    "previous_target_value",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True),
                ),
                ("previous_note", models.CharField(max_length=200)),
                (
                    "annotation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="edits",
                        to="insight.chartannotation",
                    ),
                ),
                (
                    "edited_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["annotation", "edited_at"],
            },
        ),
    ]
