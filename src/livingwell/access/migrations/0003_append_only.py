"""Make the audit trail append-only in the database too, and create the chain head.

The triggers refuse UPDATE, DELETE and TRUNCATE on audit events unless a row exists in
livingwell_audit_purge_switch. That table is not a Django model and is empty in every real
deployment; only the test settings put a row in it, so the test runner can empty the database
between tests. (Anyone able to write that table could also drop a trigger: the hash chain, checked
by `livingwell audit verify`, is what makes tampering detectable.)
"""

from django.db import migrations

SWITCH = "CREATE TABLE livingwell_audit_purge_switch (reason varchar(100) NOT NULL)"

SQLITE = [
    SWITCH,
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON access_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM livingwell_audit_purge_switch)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON access_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM livingwell_audit_purge_switch)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_no_update;",
    "DROP TRIGGER audit_no_delete;",
    "DROP TABLE livingwell_audit_purge_switch;",
]

POSTGRES = [
    SWITCH,
    """CREATE FUNCTION livingwell_audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM livingwell_audit_purge_switch) THEN
           IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
           IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON access_auditevent
       FOR EACH ROW EXECUTE FUNCTION livingwell_audit_append_only();""",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON access_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION livingwell_audit_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_no_truncate ON access_auditevent;",
    "DROP TRIGGER audit_no_update_delete ON access_auditevent;",
    "DROP FUNCTION livingwell_audit_append_only();",
    "DROP TABLE livingwell_audit_purge_switch;",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)
    apps.get_model("access", "AuditChainHead").objects.get_or_create(
        id=1, defaults={"last_hash": "0" * 64}
    )


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
