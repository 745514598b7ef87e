"""SQLite FTS5 index of datasets, kept in step by triggers, and what people type read as FTS5
queries.

The index holds its own copy of the text (it is not an external-content table over
registry_dataset): keywords are stored as JSON, which escapes every non-ASCII letter
("\\u0905…"), so the index is fed the decoded keywords, one after another. It is recreated and
refilled after every migrate rather than in a migration: SQLite migrations that rebuild
registry_dataset drop its triggers, and this puts them back.

Hindi words reach the index stemmed (`suchi_stem`, a function every connection registers:
catalog.apps), and so do the words searched for: `अस्पताल` finds `अस्पतालों`, as on PostgreSQL.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer

TOKENIZER = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
COLUMNS = "title, keywords, description"
_KEYWORDS = "suchi_stem((SELECT group_concat(value, ' ') FROM json_each({row}.keywords)))"
_TEXTS = "suchi_stem({row}.title), " + _KEYWORDS + ", suchi_stem({row}.description)"

# A Devanagari word, as PostgreSQL's parser finds one: letters, their signs and digits, not the
# dandas. Stemmed by Snowball's Hindi algorithm, which PostgreSQL's `hindi_stem` also runs
# (registry migration 0013); a word in another script passes unchanged. SQLite connections
# other than Django's (the sqlite3 shell) lack suchi_stem and cannot write datasets.
_DEVANAGARI_WORD = re.compile("[\u0900-\u0963\u0966-\u096f\u0971-\u097f]+")
_stemmers = threading.local()  # a Snowball stemmer keeps state between calls


def stemmed(text: str | None) -> str | None:
    """`text` with each Devanagari word replaced by its stem (SQLite's `suchi_stem`)."""
    if not text or not _DEVANAGARI_WORD.search(text):
        return text
    if not hasattr(_stemmers, "hindi"):
        _stemmers.hindi = snowballstemmer.stemmer("hindi")
    stem = _stemmers.hindi.stemWord
    return _DEVANAGARI_WORD.sub(lambda word: stem(word.group()) or word.group(), text)


STATEMENTS = [
    "DROP TRIGGER IF EXISTS registry_dataset_fts_ai",
    "DROP TRIGGER IF EXISTS registry_dataset_fts_ad",
    "DROP TRIGGER IF EXISTS registry_dataset_fts_au",
    "DROP TABLE IF EXISTS registry_dataset_fts",
    f"""CREATE VIRTUAL TABLE registry_dataset_fts USING fts5(
        {COLUMNS}, tokenize="{TOKENIZER}")""",
    f"""CREATE TRIGGER registry_dataset_fts_ai AFTER INSERT ON registry_dataset BEGIN
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, {_TEXTS.format(row="new")});
    END""",
    """CREATE TRIGGER registry_dataset_fts_ad AFTER DELETE ON registry_dataset BEGIN
        DELETE FROM registry_dataset_fts WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER registry_dataset_fts_au
        AFTER UPDATE OF title, keywords, description ON registry_dataset BEGIN
        DELETE FROM registry_dataset_fts WHERE rowid = old.rowid;
        INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        VALUES (new.rowid, {_TEXTS.format(row="new")});
    END""",
    f"""INSERT INTO registry_dataset_fts(rowid, {COLUMNS})
        SELECT d.rowid, {_TEXTS.format(row="d")}
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


def fts5_string(text: str) -> str:
    """`text` as an FTS5 string, its Hindi words stemmed as the index stems them. FTS5
    tokenizes a string as it tokenized the documents, so operators and punctuation inside it
    are only text."""
    return '"' + stemmed(text).replace('"', '""') + '"'


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
            (negative if dashes % 2 else positive).append(fts5_string(text))
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
