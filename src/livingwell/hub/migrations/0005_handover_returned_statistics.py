"""PostgreSQL statistics on handovers' state and returned_handled_at taken together.

Nearly every handover that is not declined has no returned_handled_at, and nearly every declined
one has been handled, so the two columns' separate statistics made PostgreSQL expect thousands of
declined handovers still waiting (7,463 at 100,000 people; there were 14). That misestimate made
the board's counts statement look costly enough to approach the point where PostgreSQL compiles
it to machine code on every load (jit_above_cost: about 70 ms at once). A most-common-values list
over both columns gives the planner the real number. SQLite has no such statistics: nothing to do.
"""

from django.db import migrations

NAME = "hub_handover_state_returned"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) ON state, returned_handled_at "
        "FROM hub_handover"
    )
    schema_editor.execute("ANALYZE hub_handover")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("hub", "0004_board_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
