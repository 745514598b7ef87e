"""Hindi words are stemmed in the full-text search: `अस्पताल` finds `अस्पतालों` (hospitals) and
the other way round. PostgreSQL's `suchi` configuration gives the parser's `word` tokens (words
of letters outside ASCII: Devanagari and other Indian scripts, accented Latin) to Snowball's
Hindi stemmer, which PostgreSQL has from version 15; older servers keep the English one. The
stored vectors of datasets with such words are then computed again. SQLite's index stems the
same words with the same Snowball algorithm (catalog.search.sqlite)."""

from django.db import migrations

_NOT_ASCII = "[^\\x01-\\x7f]"


_MAP_WORDS = """
    DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{0}') THEN
            ALTER TEXT SEARCH CONFIGURATION suchi ALTER MAPPING FOR word WITH {0};
        END IF;
    END $$;
"""
STEMMERS = {
    "hindi_stem": _MAP_WORDS.format("hindi_stem"),
    "english": _MAP_WORDS.format("english_stem"),
}


def _map_words(schema_editor, statement: str) -> None:
    schema_editor.execute(statement)
    # A stored generated column is computed again when its row is updated.
    schema_editor.execute(
        "UPDATE registry_dataset SET title = title "
        "WHERE title ~ %s OR description ~ %s OR keywords::text ~ %s",
        [_NOT_ASCII] * 3,
    )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _map_words(schema_editor, STEMMERS["hindi_stem"])


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _map_words(schema_editor, STEMMERS["english"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_source_identity")]
    operations = [migrations.RunPython(forward, backward)]
