from django.db import migrations

DEFAULT_TIERS = [
    (
        "single-point-of-access",
        "Single point of access",
        "The Hub: first conversations and short help",
        10,
    ),
    ("short-term", "Short-term support", "Support for a few weeks", 20),
    ("staying-well", "Staying well / community", "Community support from VCS partners", 30),
    ("focused", "Focused support", "Longer-term support, including for severe mental illness", 40),
    ("crisis-outreach", "Crisis outreach", "Seen within hours", 50),
]


def forwards(apps, schema_editor):
    Tier = apps.get_model("hub", "Tier")
    for slug, name, description, order in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
