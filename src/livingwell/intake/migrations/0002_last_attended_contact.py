import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_last_attended_contact(apps, schema_editor):
    """One UPDATE with a correlated subquery on the contacts' (introduction, at) index."""
    Introduction = apps.get_model("intake", "Introduction")
    Contact = apps.get_model("hub", "Contact")
    latest = (
        Contact.objects.filter(introduction=OuterRef("pk"), outcome="attended")
        .order_by("-at")
        .values("at")[:1]
    )
    Introduction.objects.update(last_attended_contact_at=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("people", "0001_initial"),
        ("hub", "0003_closure_reason_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="introduction",
            name="last_attended_contact_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="introduction",
            index=models.Index(
                models.F("state"),
                django.db.models.functions.comparison.Coalesce(
                    "last_attended_contact_at", "first_conversation_at"
                ),
                name="intro_quiet_since",
            ),
        ),
        migrations.RunPython(fill_last_attended_contact, migrations.RunPython.noop),
    ]
