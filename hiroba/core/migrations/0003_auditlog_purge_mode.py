"""Let the audit log's delete guard yield to purge mode (see hiroba.core.append_only)."""

from django.db import migrations

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_delete;",
    """CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
       WHEN NOT hiroba_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_delete;",
    """CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog
       BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;""",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_auditlog_refuse_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('DELETE', 'TRUNCATE')
            AND current_setting('hiroba.audit_purge', true) = 'on' THEN
           IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'core_auditlog is append-only';
       END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_DOWN = [
    """CREATE OR REPLACE FUNCTION core_auditlog_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'core_auditlog is append-only'; END; $$ LANGUAGE plpgsql;""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_auditlog_append_only")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
