"""SQLite FTS5 index of datasets, kept in step by triggers.

Created (idempotently) after every migrate rather than in a migration: SQLite migrations that
rebuild registry_dataset drop its triggers, and this puts them back and rebuilds the index.
"""

TOKENIZER = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
COLUMNS = "title, keywords, description"

STATEMENTS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS registry_dataset_fts USING fts5(
        {COLUMNS}, content='registry_dataset', content_rowid='rowid', tokenize="{TOKENIZER}")""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_dataset_fts_ai AFTER INSERT ON registry_dataset BEGIN
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, new.title, new.keywords, new.description);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_dataset_fts_ad AFTER DELETE ON registry_dataset BEGIN
        INSERT INTO registry_dataset_fts(registry_dataset_fts, rowid, {COLUMNS})
        VALUES ('delete', old.rowid, old.title, old.keywords, old.description);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_dataset_fts_au
        AFTER UPDATE OF title, keywords, description ON registry_dataset BEGIN
        INSERT INTO registry_dataset_fts(registry_dataset_fts, rowid, {COLUMNS})
        VALUES ('delete', old.rowid, old.title, old.keywords, old.description);
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, new.title, new.keywords, new.description);
    END""",
    "INSERT INTO registry_dataset_fts(registry_dataset_fts) VALUES ('rebuild')",
]


def ensure_index(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'registry_dataset'"
        )
        if cursor.fetchone() is None:
            return
        for statement in STATEMENTS:
            cursor.execute(statement)
