from django.db import migrations

# NHS England's three community mental health PROMs: baseline, every 12 weeks, at closure.
DEFAULT_SCHEDULED = ["dialog", "reqol10", "gbo"]


def forwards(apps, schema_editor):
    MeasureSchedule = apps.get_model("outcomes", "MeasureSchedule")
    for measure in DEFAULT_SCHEDULED:
        MeasureSchedule.objects.get_or_create(measure=measure)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
