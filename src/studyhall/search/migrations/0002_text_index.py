"""Create the full-text index for the database in use.

SQLite gets an FTS5 virtual table keyed by the document id (Porter stemming
over Unicode tokens); PostgreSQL gets a GIN index on `search_vector`. Each
statement runs only on its own vendor, so one migration history serves both.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"
POSTGRES_CREATE = (
    "CREATE INDEX document_search_vector ON search_document USING gin (search_vector)"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS document_search_vector"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_document")]

    operations = [migrations.RunPython(create, drop)]
