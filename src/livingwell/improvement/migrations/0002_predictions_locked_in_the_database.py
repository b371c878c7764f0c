"""Predictions cannot change once their cycle's Do stage has started: not through the actions
(which refuse first, with a message), and not through anything else that writes to the database
(a shell, a script, a bulk update), because these triggers refuse it too.

- a locked prediction (``locked_at`` set) cannot be updated;
- no prediction can be added to a cycle whose Do stage has started;
- a cycle's Do start (``do_started_at``, ``do_started_on``) cannot move once set, since it fixes
  the window the predictions are read in.

Deleting rows is left to the actions (none deletes a prediction): Django's test runner empties
SQLite tables with DELETE between browser tests, which a delete trigger would stop.
"""

from django.db import migrations

MESSAGE = "improvement: predictions are locked once the Do stage of their cycle has started"

SQLITE = [
    f"""
    CREATE TRIGGER improvement_prediction_locked_update
    BEFORE UPDATE ON improvement_prediction
    FOR EACH ROW WHEN OLD.locked_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER improvement_prediction_locked_insert
    BEFORE INSERT ON improvement_prediction
    FOR EACH ROW WHEN (
        SELECT do_started_at FROM improvement_pdsacycle WHERE id = NEW.cycle_id
    ) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER improvement_cycle_do_start_fixed
    BEFORE UPDATE ON improvement_pdsacycle
    FOR EACH ROW WHEN OLD.do_started_at IS NOT NULL AND (
        NEW.do_started_at IS NOT OLD.do_started_at OR NEW.do_started_on IS NOT OLD.do_started_on
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS improvement_prediction_locked_update",
    "DROP TRIGGER IF EXISTS improvement_prediction_locked_insert",
    "DROP TRIGGER IF EXISTS improvement_cycle_do_start_fixed",
]

POSTGRES = [
    f"""
    CREATE FUNCTION improvement_prediction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF EXISTS (
                SELECT 1 FROM improvement_pdsacycle
                WHERE id = NEW.cycle_id AND do_started_at IS NOT NULL
            ) THEN
                RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
            END IF;
        ELSIF OLD.locked_at IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER improvement_prediction_guard
    BEFORE INSERT OR UPDATE ON improvement_prediction
    FOR EACH ROW EXECUTE FUNCTION improvement_prediction_guard()
    """,
    f"""
    CREATE FUNCTION improvement_cycle_do_start_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.do_started_at IS NOT NULL AND (
            NEW.do_started_at IS DISTINCT FROM OLD.do_started_at
            OR NEW.do_started_on IS DISTINCT FROM OLD.do_started_on
        ) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER improvement_cycle_do_start_guard
    BEFORE UPDATE ON improvement_pdsacycle
    FOR EACH ROW EXECUTE FUNCTION improvement_cycle_do_start_guard()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS improvement_prediction_guard ON improvement_prediction",
    "DROP FUNCTION IF EXISTS improvement_prediction_guard()",
    "DROP TRIGGER IF EXISTS improvement_cycle_do_start_guard ON improvement_pdsacycle",
    "DROP FUNCTION IF EXISTS improvement_cycle_do_start_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_projects_cycles_and_learning_responses")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
