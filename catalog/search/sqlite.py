"""SQLite FTS5 index of datasets, kept in step by triggers, and what people type read as FTS5
queries.

The index holds its own copy of the text (it is not an external-content table over
registry_dataset): keywords are stored as JSON, which escapes every non-ASCII letter
("\\u0905…"), so the index is fed the decoded keywords, one after another. It is recreated and
refilled after every migrate rather than in a migration: SQLite migrations that rebuild
registry_dataset drop its triggers, and this puts them back.
"""

import re
import unicodedata
from dataclasses import dataclass

TOKENIZER = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
COLUMNS = "title, keywords, description"
_KEYWORDS = "(SELECT group_concat(value, ' ') FROM json_each({row}.keywords))"

STATEMENTS = [
    "DROP TRIGGER IF EXISTS registry_dataset_fts_ai",
    "DROP TRIGGER IF EXISTS registry_dataset_fts_ad",
    "DROP TRIGGER IF EXISTS registry_dataset_fts_au",
    "DROP TABLE IF EXISTS registry_dataset_fts",
    f"""CREATE VIRTUAL TABLE registry_dataset_fts USING fts5(
        {COLUMNS}, tokenize="{TOKENIZER}")""",
    f"""CREATE TRIGGER registry_dataset_fts_ai AFTER INSERT ON registry_dataset BEGIN
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, new.title, {_KEYWORDS.format(row="new")}, new.description);
    END""",
    """CREATE TRIGGER registry_dataset_fts_ad AFTER DELETE ON registry_dataset BEGIN
        DELETE FROM registry_dataset_fts WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER registry_dataset_fts_au
        AFTER UPDATE OF title, keywords, description ON registry_dataset BEGIN
        DELETE FROM registry_dataset_fts WHERE rowid = old.rowid;
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, new.title, {_KEYWORDS.format(row="new")}, new.description);
    END""",
    f"""INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        SELECT d.rowid, d.title, {_KEYWORDS.format(row="d")}, d.description
        FROM registry_dataset AS d""",
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


# A query's pieces: a "quoted phrase" (an unclosed quote runs to the end) or a run of other
# non-space characters.
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')


def has_token(text: str) -> bool:
    """Whether the tokenizer finds a word in `text`: it keeps letters, numbers, marks and
    private-use characters (TOKENIZER's categories) and splits at everything else."""
    return any(unicodedata.category(c)[0] in "LNM" or unicodedata.category(c) == "Co" for c in text)


def _phrase(text: str) -> str:
    # FTS5 tokenizes a string as it tokenized the documents, so operators and punctuation
    # inside it are only text.
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class Fts5Query:
    """A search as FTS5 MATCH expressions: a row matches `expression` (every group with a word
    to find, ORed), or lacks all the words of one of `excluded` (a group of only -words, which
    FTS5 cannot express on its own). Both empty: nothing matches."""

    expression: str
    excluded: tuple[str, ...]


def fts5_query(q: str) -> Fts5Query:
    """Read what a person types as PostgreSQL's websearch_to_tsquery does, so that both backends
    find the same datasets: terms are ANDed; `or` between terms separates alternatives (and
    binds looser: `a b or c` is (a AND b) OR c); a leading `-` excludes a term; "quotes" make a
    phrase. A term is one whitespace-separated piece (covid-19, école, जिला), handed whole
    to FTS5's tokenizer, so it splits the piece as it split the documents."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    dashes = 0  # `-` before the next term; an even number cancels out
    for match in _PIECE.finditer(q):
        phrase, piece = match.groups()
        if piece is not None and (match.start() == 0 or q[match.start() - 1].isspace()):
            dashes += len(piece) - len(piece.lstrip("-"))
            piece = piece.lstrip("-")
            if not piece:
                continue
            if piece.lower() == "or" and not dashes % 2:
                groups.append(([], []))
                dashes = 0
                continue
        text = phrase if phrase is not None else piece
        if has_token(text):
            positive, negative = groups[-1]
            (negative if dashes % 2 else positive).append(_phrase(text))
        dashes = 0
    expressions, excluded = [], []
    for positive, negative in groups:
        if positive:
            expressions.append(
                "(" + " AND ".join(positive) + "".join(f" NOT {t}" for t in negative) + ")"
            )
        elif negative:
            excluded.append(" OR ".join(negative))
    return Fts5Query(" OR ".join(expressions), tuple(excluded))
