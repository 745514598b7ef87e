"""Hindi words are stemmed in the full-text search: `अस्पताल` finds `अस्पतालों` (hospitals) and
the other way round. PostgreSQL's `suchi` configuration gives the parser's `word`, `hword` and
`hword_part` tokens (words of letters outside ASCII: Devanagari and other Indian scripts,
accented Latin; whole and in parts when hyphenated) to Snowball's Hindi stemmer, which
PostgreSQL has from version 14; older servers keep the English one. Accented Latin words are
then no longer stemmed in English (`données` finds only itself). The stored vectors of the
datasets with such words are computed again, a few thousand rows a transaction, so harvests
and edits are not held up behind one long update. SQLite's index stems Devanagari words with
the same Snowball algorithm (catalog.search.sqlite)."""

from django.db import migrations

_NOT_ASCII = "[^\\x01-\\x7f]"
_MAP_WORDS = """
    DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{0}') THEN
            ALTER TEXT SEARCH CONFIGURATION suchi
                ALTER MAPPING FOR word, hword, hword_part WITH {0};
        END IF;
    END $$;
"""
STEMMERS = {
    "hindi_stem": _MAP_WORDS.format("hindi_stem"),
    "english": _MAP_WORDS.format("english_stem"),
}
# A stored generated column is computed again when its row is updated.
_RECOMPUTE = """
    UPDATE registry_dataset SET title = title WHERE id IN (
        SELECT id FROM registry_dataset
        WHERE id > %s AND (title ~ %s OR description ~ %s OR keywords::text ~ %s)
        ORDER BY id LIMIT 2000
    ) RETURNING id
"""


def _map_words(schema_editor, statement: str) -> None:
    schema_editor.execute(statement)
    last = "00000000-0000-0000-0000-000000000000"
    with schema_editor.connection.cursor() as cursor:
        while True:
            cursor.execute(_RECOMPUTE, [last, *[_NOT_ASCII] * 3])
            done = [row[0] for row in cursor.fetchall()]
            if not done:
                return
            last = str(max(done))


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _map_words(schema_editor, STEMMERS["hindi_stem"])


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _map_words(schema_editor, STEMMERS["english"])


class Migration(migrations.Migration):
    atomic = False  # the recompute commits batch by batch
    dependencies = [("registry", "0012_source_identity")]
    operations = [migrations.RunPython(forward, backward, atomic=False)]
