"""Random histories of the catalogue and random searches keep the search invariants (hypothesis
state machine), on whichever database the suite runs on (SQLite FTS5 or PostgreSQL):

- no search is a 5xx, whatever the text, filters, sort, page or cursor; bad input is a 4xx that
  names the parameter (REST API, the /datasets page and CKAN's package_search alike);
- every hit is published and matches every filter; withdrawn datasets never appear;
- a word from a published dataset's title (or keywords, or description) finds it;
- a count not flagged as an estimate is exact (the model counts), and an estimate is 32 times
  the model's matches among the 1/32 sample (PostgreSQL, SUCHI_SEARCH_SAMPLE_MIN lowered);
- following the `next` cursors yields each hit once, and CKAN's start/rows pages too;
- REST, the page and CKAN agree on the count for the same search.

The catalogue's words are nonsense words (no English stem or stopword changes them), Hindi
words and accented ones, so that the model can say which datasets a query matches on both
backends. Queries are either built from those words (the model predicts the exact hits, reading
them as websearch_to_tsquery does) or hostile text (the model checks what holds for any query).
Each example starts from an empty catalogue (a savepoint rolled back at teardown).

CI runs 40 fixed (derandomized) histories of up to 20 steps, in about 20 s per backend;
`SUCHI_FUZZ_EXAMPLES=500 pytest tests/catalog/test_search_state_machine.py` explores that many
random ones. Dataset ids are uuid4s, and PostgreSQL's sample takes 1 id in 32, so a failure in
an estimate may not replay the same: hypothesis then reports it as flaky; read the first error.
"""

import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from catalog.search.postgres import SAMPLE_FRACTION
from core.errors import Conflict
from registry.models import Dataset, Institution, ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    dataset_update,
    dataset_withdraw,
    validation_run_execute,
)

from ..factories import dataset_payload, make_institution

pytestmark = pytest.mark.django_db

API = "/api/v1/datasets"
PAGE = "/datasets"
CKAN = "/api/3/action/package_search"
ACTOR = Actor.system("search-machine")

INSTITUTIONS = ("ka-health", "bmtc", "mh-agri")
THEMES = ("HEAL", "TRAN", "AGRI", "EDUC")
OPEN_LICENCES = ("CC-BY-4.0", "CC0-1.0", "ODbL-1.0")
CLOSED_LICENCE = "CC-BY-NC-4.0"  # not open: an open dataset with it is rejected
FORMATS = ("CSV", "csv", "GeoJSON", "XLSX", "")
STATES = ("KA", "MH", "DL")

# Words the model tracks. None is an English stopword, and stemming leaves each distinct.
ASCII_WORDS = ("zorb", "quix", "plonk", "vandu", "mirak", "tesh", "glim", "kesto")
WORDS = (*ASCII_WORDS, "1947", "अस्पताल", "जिला", "पानी", "सड़क", "e\u0301tang", "mûrel")
# Keywords are searched too; a keyword's words are its whitespace- or hyphen-separated parts.
KEYWORDS = ("zorb", "quix plonk", "Mirak", "अस्पताल", "kesto-glim", "tesh", "e\u0301tang")
# Text around the words, each a whitespace-separated chunk with no tracked word in it.
GARNISH = (
    "🙂",
    "—",
    "&",
    "(1)",
    "100%",
    "NEAR",
    "NOT",
    "\x01",
    "\u200b",
    "naïve",
    "x" * 120,
    "DROP TABLE registry_dataset;",
    "user@example.org",
    "https://x.example/a?b=c",
    "C++",
    "\\",
    "'",
    "<b>",
    "½",
)
PREFIXES = ("", "", "(", '"', "«")
SUFFIXES = ("", "", ",", ")", "!", "?", "»", "।", ";")

# Hostile query text: operator syntax of FTS5, tsquery, Solr and SQL, and odd characters.
FRAGMENTS = (
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(zorb quix, 2)",
    "zorb*",
    "^zorb",
    "title:zorb",
    "tags:zorb",
    "organization:bmtc",
    "'; DROP TABLE registry_dataset; --",
    '" OR 1=1 --',
    "%",
    "_",
    "*:*",
    "*",
    "-",
    "--",
    '"',
    '""',
    "(",
    ")",
    "()",
    "<->",
    "!!",
    "&",
    "|",
    "\x00",
    "e\u0301",
    "\u0301",
    "🙂",
    "x" * 200,
    "or",
    "-or",
    "{}",
    "\u202e",
    "١٢٣",
    "zorb-quix",
    "zorb_quix",
)
HOSTILE_CHARACTERS = (
    '"',
    "'",
    "(",
    ")",
    "*",
    "-",
    ":",
    "^",
    "~",
    "+",
    "!",
    "&",
    "|",
    "<",
    ">",
    "%",
    "_",
    "\\",
    ";",
    ",",
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\t",
    "\n",
    " ",
    "z",
    "o",
    "r",
    "b",
    "अ",
    "ि",
    "्",
    "\u0301",
    "🙂",
    "\u200d",
    "\ufeff",
)


# --- what a dataset says -------------------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    """Generated metadata and what the model needs of it."""

    title: str
    title_chunks: tuple[str, ...]  # the title's chunks with a tracked word, as written
    description: str
    description_chunks: tuple[str, ...]
    words: frozenset[str]  # tracked words anywhere in title, keywords or description
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    license: str
    access: str
    formats: tuple[str, ...]
    states: tuple[str, ...]
    valid: bool  # False: validation must reject it (an open dataset with a closed licence)

    def payload(self) -> dict:
        distributions = [
            {
                "title": f"File {n}",
                "access_url": f"https://files.example/{n}.dat",
                "media_type": "application/octet-stream",
                "format": fmt,
            }
            for n, fmt in enumerate(self.formats)
        ]
        return dataset_payload(
            title=self.title,
            description=self.description,
            keywords=list(self.keywords),
            themes=list(self.themes),
            license=self.license,
            access_rights=self.access,
            contains_personal_data=self.access == "consent",
            spatial={"states": list(self.states)},
            distributions=distributions,
        )


def keyword_words(keyword: str) -> set[str]:
    return {part.lower() for part in re.split(r"[\s-]+", keyword) if part}


@st.composite
def word_chunk(draw) -> tuple[str, set[str]]:
    """A tracked word (or two joined by a hyphen or underscore), perhaps in capitals or with
    punctuation around it."""
    word = draw(st.sampled_from(WORDS))
    words = {word}
    if word in ASCII_WORDS and draw(st.booleans()):
        other = draw(st.sampled_from(ASCII_WORDS))
        word = f"{word}{draw(st.sampled_from('-_'))}{other}"
        words.add(other)
    if word.isascii():
        word = draw(st.sampled_from((str.lower, str.upper, str.title)))(word)
    return draw(st.sampled_from(PREFIXES)) + word + draw(st.sampled_from(SUFFIXES)), words


def text_of(chunks: list[tuple[str, set[str]]]) -> tuple[str, set[str]]:
    return " ".join(text for text, _ in chunks), set().union(*(words for _, words in chunks))


chunk = st.one_of(word_chunk(), st.sampled_from(GARNISH).map(lambda g: (g, set())))


@st.composite
def metadata(draw) -> Meta:
    first = draw(word_chunk())
    rest = draw(st.lists(chunk, max_size=3))
    title_parts = [first, *rest] if draw(st.booleans()) else [*rest, first]
    title, title_words = text_of(title_parts)
    description_parts = [draw(word_chunk()), *draw(st.lists(chunk, max_size=5))]
    description, description_words = text_of(description_parts)
    keywords = tuple(draw(st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=3, unique=True)))
    access = draw(st.sampled_from(("open", "open", "restricted", "consent")))
    licences = {
        "open": OPEN_LICENCES,
        "restricted": (*OPEN_LICENCES, CLOSED_LICENCE),
        "consent": ("", *OPEN_LICENCES),
    }[access]
    license = draw(st.sampled_from(licences))
    valid = draw(st.sampled_from((True, True, True, False)))
    if not valid:
        access, license = "open", CLOSED_LICENCE
    return Meta(
        title=title,
        title_chunks=tuple(text for text, words in title_parts if words),
        description=description,
        description_chunks=tuple(text for text, words in description_parts if words),
        words=frozenset(
            {w.lower() for w in title_words | description_words}
            | {w for k in keywords for w in keyword_words(k)}
        ),
        keywords=keywords,
        themes=tuple(draw(st.lists(st.sampled_from(THEMES), min_size=1, max_size=2, unique=True))),
        license=license,
        access=access,
        formats=tuple(draw(st.lists(st.sampled_from(FORMATS), min_size=1, max_size=2))),
        states=tuple(draw(st.lists(st.sampled_from(STATES), max_size=2, unique=True))),
        valid=valid,
    )


# --- what a search asks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """Query text and, when it is built from tracked words, its meaning: OR of groups, each an
    AND of (negated, word) terms — websearch_to_tsquery's reading."""

    text: str
    groups: tuple[tuple[tuple[bool, str], ...], ...] | None = None

    def matches(self, meta: Meta) -> bool:
        return any(all((word in meta.words) != negated for negated, word in g) for g in self.groups)


@st.composite
def modelled_query(draw) -> Query:
    groups, rendered = [], []
    for _ in range(draw(st.integers(1, 3))):
        terms, parts = [], []
        for _ in range(draw(st.integers(1, 3))):
            negated, word = draw(st.booleans()), draw(st.sampled_from(WORDS))
            shown = draw(st.sampled_from((str.lower, str.upper)))(word) if word.isascii() else word
            if draw(st.booleans()):
                shown = f'"{shown}"'
            parts.append(("-" if negated else "") + shown)
            terms.append((negated, word))
        groups.append(tuple(terms))
        rendered.append(draw(st.sampled_from((" ", "  ", "\t"))).join(parts))
    text = draw(st.sampled_from((" or ", " OR ", " Or "))).join(rendered)
    if draw(st.booleans()):
        text = draw(st.sampled_from(("or ", " ", ""))) + text + draw(st.sampled_from((" or", " ")))
    return Query(text, tuple(groups))


hostile_query = st.one_of(
    # A word beside an operator of FTS5, tsquery or Solr, which must stay a word.
    st.tuples(
        st.sampled_from(
            ("AND", "NOT", "OR", "NEAR", "NEAR(", "AND NOT", "*", "^", "+", "!", "<->")
        ),
        st.sampled_from(WORDS),
        st.booleans(),
    ).map(lambda t: f"{t[0]} {t[1]}" if t[2] else f"{t[1]} {t[0]}"),
    st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS), max_size=30),
    st.lists(st.sampled_from(FRAGMENTS + WORDS), min_size=1, max_size=8).map(" ".join),
    # Repeated operators: long, deep queries up to and past the 500-character limit.
    st.tuples(
        st.sampled_from(("zorb", "a", '"', "(", "-x", "NOT")),
        st.sampled_from((" or ", " OR -", " ", " -", "(", ")")),
        st.integers(1, 130),
    ).map(lambda t: (t[0] + t[1]) * t[2] + t[0]),
    st.integers(480, 520).map(lambda n: "zorb " + "y" * n),
    st.text(alphabet=st.sampled_from(" \t\n\r\u00a0\u3000"), min_size=1, max_size=5),
).map(Query)

query = st.one_of(st.just(Query("")), modelled_query(), hostile_query)

FILTER_VALUES = {
    "institution": (*INSTITUTIONS, "nobody", "KA-HEALTH"),
    "theme": (*THEMES, "hEAL", "NOPE"),
    "license": (*OPEN_LICENCES, CLOSED_LICENCE, "cc-by-4.0"),
    # Formats match whatever their case: these differ from the stored ones (FORMATS) in case.
    "format": ("Csv", "csv", "geojson", "xlsx", "PDF"),
    "access": ("open", "restricted", "consent", "secret"),
    "keyword": (*KEYWORDS, "ZORB", "quix plonk "),
    "state": (*STATES, "ZZ"),
}
ODD_VALUES = ("", " ", "HEAL,TRAN", "zorb,tesh", "🙂", "'; --", "x" * 300)


def filter_values(name: str) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(FILTER_VALUES[name]), min_size=1, max_size=2) | st.lists(
        st.sampled_from(ODD_VALUES), min_size=1, max_size=1
    )


filters = st.lists(st.sampled_from(sorted(FILTER_VALUES)), max_size=2, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: filter_values(name) for name in names})
)

odd_search_parameters = st.builds(
    lambda param, value, with_page: {**({"page": "1"} if with_page else {}), param: value},
    param=st.sampled_from(("sort", "page", "page_size", "cursor", "modified_since")),
    value=st.one_of(
        st.sampled_from(
            (
                "0",
                "-1",
                "x",
                "1e3",
                "9" * 30,
                "",
                "\x00",
                "relevance",
                "RELEVANCE",
                "-title",
                "bm90LWEtY3Vyc29y",
                "2026-13-45",
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-14:00",
                "2026-02-30",
                "yesterday",
            )
        ),
        st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS), max_size=12),
    ),
    with_page=st.booleans(),
)
odd_ckan_parameters = st.fixed_dictionaries(
    {"q": st.sampled_from(("zorb or quix", ";", ""))},
    optional={
        "start": st.one_of(st.integers(-2, 5), st.sampled_from((10**6, 10**19, 10**30))),
        "rows": st.one_of(st.integers(-1, 3), st.sampled_from((10**6, 10**30))),
        "sort": st.sampled_from(("score desc", "name asc", "popularity desc", "")),
        "facet.field": st.sampled_from(('["tags"]', '["groups", "organization"]', "[", "tags")),
        "facet.limit": st.sampled_from((-2, -1, 0, 3, 10**30, "x")),
        "fq": st.sampled_from(("tags:zorb", "-tags:zorb", "colour:blue", "tags:", '"')),
    },
)
# The REST API's sort as CKAN says it.
CKAN_SORTS = {
    None: None,
    "relevance": "score desc",
    "-modified": "metadata_modified desc",
    "title": "title_string asc",
}


def effective(values: list[str]) -> list[str]:
    """The values a filter parameter stands for: repeated or comma-separated, trimmed."""
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


def satisfies(meta: Meta, institution: str, name: str, values: list[str]) -> bool:
    wanted = effective(values)
    if not wanted:
        return True
    if name == "institution":
        return institution in wanted
    # Codes are matched in any case (theme=heal is HEAL); keywords as written.
    if name == "license":
        return meta.license.casefold() in {w.casefold() for w in wanted}
    if name == "access":
        return meta.access in {w.lower() for w in wanted}
    have = {
        "theme": set(meta.themes),
        "keyword": set(meta.keywords),
        "state": set(meta.states),
        "format": {f.upper() for f in meta.formats if f},
    }[name]
    if name != "keyword":
        wanted = [w.upper() for w in wanted]
    return set(wanted) <= have


# --- the model -------------------------------------------------------------------------------------


@dataclass
class Entry:
    pk: str
    institution: str
    status: str  # validating, published, rejected, withdrawn
    shown: Meta  # what the row holds (what search reads once published)
    pending: Meta | None = None  # submitted, not yet validated
    modified_at: datetime | None = None  # as the database holds it, once validated

    @property
    def in_sample(self) -> bool:
        return uuid.UUID(self.pk).bytes[15] < 8  # catalog_in_sample() on PostgreSQL


@dataclass
class Search:
    """What one search asks: its text, filters, modified_since and sort."""

    q: Query = field(default_factory=lambda: Query(""))
    filters: dict = field(default_factory=dict)
    since: str | None = None
    sort: str | None = None

    def params(self, **extra) -> dict:
        params = {name: list(values) for name, values in self.filters.items()}
        if self.q.text:
            params["q"] = self.q.text
        if self.since is not None:
            params["modified_since"] = self.since
        if self.sort is not None:
            params["sort"] = self.sort
        params.update({k: v for k, v in extra.items() if v is not None})
        return params


def published_filtered(model: dict[str, Entry], search: Search, since) -> list[Entry]:
    """Published entries that satisfy every filter (not the text)."""
    return [
        e
        for e in model.values()
        if e.status == "published"
        and all(satisfies(e.shown, e.institution, n, v) for n, v in search.filters.items())
        and (since is None or e.modified_at >= since)
    ]


def names_a_parameter(response, sent: set[str]) -> bool:
    """A 4xx that says which of the sent parameters was wrong."""
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        if "errors" in body:  # REST
            return bool(body["errors"]) and set(body["errors"]) <= sent
        error = body["error"]  # CKAN
        named = set(error) - {"__type", "message"}
        if named:
            return named <= sent
        return any(re.search(rf"\b{re.escape(name)}\b", error["message"]) for name in sent)
    text = response.content.decode()
    return any(f"<code>{name}</code>" in text for name in sent)


# SUCHI_FUZZ_EXAMPLES=500 explores with that many random examples instead of CI's fixed ones.
EXPLORE = int(os.environ.get("SUCHI_FUZZ_EXAMPLES", "0"))

RESULT_LINK = re.compile(r'<h3><a href="/datasets/([0-9a-f-]{36})">')
PAGE_COUNT = re.compile(r"(\d+) datasets? found")


@pytest.mark.slow
def test_random_catalogues_and_searches_keep_the_search_invariants():
    for slug in INSTITUTIONS:
        make_institution(slug=slug, name=f"Institution {slug}")
    client = Client()
    postgres = connection.vendor == "postgresql"

    def get(path: str, params: dict | None = None):
        response = client.get(path, params or {})
        assert response.status_code < 500, (path, params, response.content[:500])
        return response

    class CatalogueHistory(RuleBasedStateMachine):
        datasets = Bundle("datasets")

        def __init__(self):
            super().__init__()
            # Each example starts from the same empty catalogue.
            self.savepoint = transaction.savepoint()
            self.model: dict[str, Entry] = {}
            self.changes = 0  # catalogue changes so far
            self.checked = 0  # the changes the invariants below have seen
            self.cursors: list[str] = []  # cursors the searches were given

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        # --- the catalogue changes --------------------------------------------------------------

        def _validate(self, entry: Entry) -> None:
            runs = ValidationRun.objects.filter(
                dataset_id=entry.pk, status=ValidationRun.Status.QUEUED
            ).order_by("id")
            for run_id in runs.values_list("id", flat=True):
                validation_run_execute(run_id=run_id, check_sources=False)
                self.changes += 1
            if entry.pending is not None and entry.status != "withdrawn":
                if entry.pending.valid:
                    entry.status, entry.shown = "published", entry.pending
                elif entry.status != "published":
                    entry.status = "rejected"
                entry.pending = None
            row = Dataset.objects.get(pk=entry.pk)
            assert row.status == entry.status
            entry.modified_at = row.modified_at

        def _register(self, meta: Meta, institution: str, then_validate: bool) -> str:
            dataset = dataset_register(
                institution=Institution.objects.get(slug=institution),
                data=meta.payload(),
                actor=ACTOR,
            )
            entry = Entry(str(dataset.pk), institution, "validating", meta, pending=meta)
            self.model[entry.pk] = entry
            self.changes += 1
            if then_validate:
                self._validate(entry)
            return entry.pk

        @initialize(
            target=datasets,
            catalogue=st.lists(
                st.tuples(metadata(), st.sampled_from(INSTITUTIONS)), min_size=3, max_size=8
            ),
        )
        def catalogue(self, catalogue):
            """A catalogue to start from, validated (so mostly published)."""
            return multiple(*(self._register(meta, slug, True) for meta, slug in catalogue))

        @rule(
            target=datasets,
            meta=metadata(),
            institution=st.sampled_from(INSTITUTIONS),
            then_validate=st.booleans(),
        )
        def register(self, meta, institution, then_validate):
            return self._register(meta, institution, then_validate)

        @rule(pk=datasets)
        def validate(self, pk):
            self._validate(self.model[pk])

        @rule(pk=datasets, meta=metadata(), then_validate=st.booleans())
        def update(self, pk, meta, then_validate):
            entry = self.model[pk]
            dataset = Dataset.objects.get(pk=pk)
            if entry.status == "withdrawn":
                with pytest.raises(Conflict):
                    dataset_update(dataset=dataset, data=meta.payload(), actor=ACTOR, partial=False)
                return
            dataset_update(dataset=dataset, data=meta.payload(), actor=ACTOR, partial=False)
            self.changes += 1
            if entry.status != "published":
                entry.status, entry.shown = "validating", meta
            entry.pending = meta
            if then_validate:
                self._validate(entry)

        @rule(pk=datasets)
        def withdraw(self, pk):
            dataset_withdraw(dataset=Dataset.objects.get(pk=pk), actor=ACTOR)
            entry = self.model[pk]
            self.changes += entry.status != "withdrawn"  # withdrawing again changes nothing
            entry.status, entry.pending = "withdrawn", None

        # --- searches ---------------------------------------------------------------------------

        def expected(self, search: Search, since=None) -> list[Entry] | None:
            """The hits the model predicts, or None when the text is beyond it."""
            hits = published_filtered(self.model, search, since)
            text = search.q.text
            if search.q.groups is not None:
                return [e for e in hits if search.q.matches(e.shown)]
            if not re.search(r"\w", text):  # no words: not a text search at all
                return hits
            return None

        def check_hits(self, ids, search: Search, since=None) -> None:
            for pk in ids:
                entry = self.model.get(pk)
                assert entry is not None and entry.status == "published", (pk, entry)
                for name, values in search.filters.items():
                    assert satisfies(entry.shown, entry.institution, name, values), (name, pk)
                if since is not None:
                    assert entry.modified_at >= since

        def since_value(self, choice: str) -> tuple[str | None, object]:
            """modified_since as sent, and the moment it means."""
            if choice == "none":
                return None, None
            moments = sorted(e.modified_at for e in self.model.values() if e.modified_at)
            if choice == "a publication" and moments:
                moment = moments[len(moments) // 2]  # the boundary itself must be included
                return moment.isoformat(), moment
            return "2000-01-01", datetime(2000, 1, 1, tzinfo=UTC)

        search_parameters = {
            "filters": filters,
            "since": st.sampled_from(("none", "none", "a publication", "2000-01-01")),
            "sort": st.sampled_from((None, None, "relevance", "-modified", "title")),
            "page_size": st.sampled_from((1, 2, 3, None)),
            "sampled": st.booleans(),
            "window": st.sampled_from((None, None, None, 2)),
        }

        @rule(
            q=st.one_of(modelled_query(), st.just(Query(""))),
            **search_parameters,
        )
        def search_for_words(self, q, **parameters):
            """A query of tracked words: the model knows every hit."""
            self.search(q, **parameters)

        def published(self) -> list[Entry]:
            return [e for e in self.model.values() if e.status == "published"]

        @precondition(lambda self: self.published())
        @rule(
            data=st.data(),
            **{k: v for k, v in search_parameters.items() if k not in ("filters", "since")},
        )
        def search_for_what_a_dataset_has(self, data, **parameters):
            """Filters with values a published dataset has (its formats in another case), with or
            without one of its words: it is among the hits, and the model knows the others."""
            entry = data.draw(st.sampled_from(self.published()))
            meta = entry.shown
            has = {
                "institution": [entry.institution],
                "theme": list(meta.themes),
                "license": [meta.license] if meta.license else [],
                "format": [f.swapcase() for f in meta.formats if f],
                "access": [meta.access],
                "keyword": list(meta.keywords),
                "state": list(meta.states),
            }
            names = data.draw(
                st.lists(
                    st.sampled_from(sorted(name for name, values in has.items() if values)),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            chosen = {
                name: data.draw(st.lists(st.sampled_from(has[name]), min_size=1, max_size=2))
                for name in names
            }
            word = data.draw(st.sampled_from(("", *sorted(meta.words))))
            q = Query(word, (((False, word),),) if word else None)
            assert entry in self.expected(Search(q=q, filters=chosen))  # the model agrees
            self.search(q, chosen, since="none", **parameters)

        @rule(q=hostile_query, **search_parameters)
        def search_for_hostile_text(self, q, **parameters):
            self.search(q, **parameters)

        def search(self, q, filters, since, sort, page_size, sampled, window):
            sent_since, moment = self.since_value(since)
            search = Search(q=q, filters=filters, since=sent_since, sort=sort)
            overrides = {}
            if sampled:
                overrides["SUCHI_SEARCH_SAMPLE_MIN"] = 1
            if window:
                overrides["SUCHI_SEARCH_RELEVANCE_WINDOW"] = window
            with override_settings(**overrides):
                self._search(search, moment, page_size, sampled, window)

        def _search(self, search, moment, page_size, sampled, window):
            params = search.params(page_size=page_size)
            response = get(API, params)
            expected = self.expected(search, moment)
            sent = set(params)
            if response.status_code != 200:
                assert response.status_code == 400, response.content
                assert names_a_parameter(response, sent), response.content
                self.the_page_and_ckan_agree(search, None, window)
                return
            body = response.json()
            ids = [d["id"] for d in body["results"]]
            self.check_hits(ids, search, moment)
            assert len(ids) == len(set(ids))
            count = body["count"]
            if expected is not None:
                self.check_count(body, expected, search, sampled)
            elif not body["count_is_estimate"]:
                assert count >= len(ids)
            if body["count_is_estimate"]:
                assert postgres and sampled and count % SAMPLE_FRACTION == 0
            else:
                self.walk(body, search, moment, expected, window)
            self.the_page_and_ckan_agree(search, body, window)
            if body["next"]:
                self.cursors.append(parse_qs(urlsplit(body["next"]).query)["cursor"][0])

        def check_count(self, body, expected, search, sampled):
            # PostgreSQL estimates a filtered search from the sample when at least
            # SUCHI_SEARCH_SAMPLE_MIN (here 1) sample rows match; never the whole catalogue.
            filtered = bool(
                re.search(r"\w", search.q.text)
                or any(effective(v) for v in search.filters.values())
                or search.since is not None
            )
            estimated = postgres and sampled and filtered and any(e.in_sample for e in expected)
            assert body["count_is_estimate"] == estimated, (body["count"], len(expected))
            if estimated:
                in_sample = sum(e.in_sample for e in expected)
                assert body["count"] == SAMPLE_FRACTION * in_sample
                return
            assert body["count"] == len(expected), (
                search,
                body["count"],
                sorted(e.shown.title for e in expected),
            )
            assert sum(i["count"] for i in body["facets"]["access"]) == len(expected)

        def walk(self, body, search, moment, expected, window):
            """Follow the `next` cursors to the end: each hit once, all of them."""
            seen = [d["id"] for d in body["results"]]
            next_url, pages = body["next"], 0
            while next_url:
                pages += 1
                assert pages <= 200, "the cursors do not end"
                page = get(next_url)
                assert page.status_code == 200, page.content
                page_body = page.json()
                self.check_hits([d["id"] for d in page_body["results"]], search, moment)
                seen += [d["id"] for d in page_body["results"]]
                next_url = page_body["next"]
            assert len(seen) == len(set(seen)), "a hit came twice"
            count = body["count"]
            if body["relevance_is_approximate"]:
                assert window and count > window and len(seen) == window
            else:
                assert len(seen) == count
            if expected is not None and not body["relevance_is_approximate"]:
                assert set(seen) == {e.pk for e in expected}

        def the_page_and_ckan_agree(self, search: Search, rest_body, window) -> None:
            """The /datasets page and CKAN's package_search answer the same search alike."""
            params = search.params()
            page = get(PAGE, params)
            sent = set(params)
            if page.status_code != 200:
                assert page.status_code in (400, 404), page.status_code
                assert names_a_parameter(page, sent), page.content[-800:]
            else:
                html = page.content.decode()
                ids = RESULT_LINK.findall(html)
                self.check_hits(ids, search)
                if rest_body is not None:
                    assert int(PAGE_COUNT.search(html).group(1)) == rest_body["count"]

            fq = ckan_fq(search)
            if fq is None or ":" in search.q.text:
                return  # beyond what CKAN's parameters express alike
            ckan_params = {"q": search.q.text, "fq": fq, "sort": CKAN_SORTS[search.sort]}
            ckan_params = {k: v for k, v in ckan_params.items() if v}
            response = get(CKAN, {**ckan_params, "rows": 3})
            if rest_body is None:
                if response.status_code != 200:
                    assert names_a_parameter(response, set(ckan_params)), response.content
                return
            assert response.status_code == 200, (search.q.text, response.content)
            count = response.json()["result"]["count"]
            assert count == rest_body["count"] or rest_body["count_is_estimate"], (
                search.q.text,
                count,
                rest_body["count"],
            )
            # Its start/rows pages: each hit once, as many as the count; by relevance, only the
            # window's most recent (CKAN's answer cannot say so, as it cannot say "estimated").
            seen = [p["id"] for p in response.json()["result"]["results"]]
            for start in range(3, count + 3, 3):
                page = get(CKAN, {**ckan_params, "rows": 3, "start": start}).json()["result"]
                seen += [p["id"] for p in page["results"]]
            by_relevance = search.sort in (None, "relevance") and re.search(r"\w", search.q.text)
            assert len(seen) == len(set(seen))
            assert len(seen) == (min(count, window) if window and by_relevance else count)
            self.check_hits(seen, search)

        def pieces_of(self, entry: Entry, where: str) -> tuple[str, ...]:
            return {
                "title": entry.shown.title_chunks,
                "keywords": entry.shown.keywords,
                "description": entry.shown.description_chunks,
            }[where] or entry.shown.title_chunks

        def check_found_by(self, entry: Entry, piece: str, where: str, *, ckan: bool) -> None:
            """Searching a piece of a dataset's text finds it while it is published, and never
            otherwise (on the API and, with `ckan`, on CKAN)."""
            rest = get(API, {"q": piece, "page_size": 100})
            assert rest.status_code == 200, (piece, rest.content)
            found = [[d["id"] for d in rest.json()["results"]]]
            if ckan:
                response = get(CKAN, {"q": piece})
                assert response.status_code == 200, (piece, response.content)
                found.append([p["id"] for p in response.json()["result"]["results"]])
            for ids in found:
                if entry.status == "published":
                    assert entry.pk in ids, (piece, where, entry.shown)
                else:
                    assert entry.pk not in ids, (piece, entry.status)

        @rule(
            pk=datasets, where=st.sampled_from(("title", "keywords", "description")), data=st.data()
        )
        def search_a_word_of_it(self, pk, where, data):
            entry = self.model[pk]
            piece = data.draw(st.sampled_from(self.pieces_of(entry, where)))
            self.check_found_by(entry, piece, where, ckan=True)

        @rule(kind=st.sampled_from(("search", "ckan", "cursor")), data=st.data())
        def odd_parameters(self, kind, data):
            """Odd parameters of a search, CKAN's paging, or a cursor handed back with another
            search: answered, or a 4xx naming the parameter (on the API and the page)."""
            paths = (API, PAGE)
            if kind == "search":
                params = data.draw(odd_search_parameters)
            elif kind == "ckan":
                params, paths = data.draw(odd_ckan_parameters), (CKAN,)
            elif self.cursors:
                cursor = data.draw(st.sampled_from(self.cursors))
                sort = data.draw(st.sampled_from((None, "relevance", "-modified", "title")))
                params = Search(q=data.draw(query), sort=sort).params(cursor=cursor)
            else:
                return
            for path in paths:
                response = get(path, params)
                if response.status_code >= 400:
                    assert names_a_parameter(response, set(params)), (path, response.content)

        # --- always -----------------------------------------------------------------------------

        # Searches change nothing, so these run after each change of the catalogue only.

        @precondition(lambda self: self.checked < self.changes)
        @invariant()
        def after_each_change(self):
            self.checked = self.changes
            self.the_whole_catalogue_is_counted_exactly()
            self.each_dataset_is_found_by_its_words_only_while_published()

        def the_whole_catalogue_is_counted_exactly(self):
            """The unfiltered catalogue (PostgreSQL: its trigger-kept counters) is exact."""
            body = get(API, {"page_size": 100}).json()
            published = [e for e in self.model.values() if e.status == "published"]
            assert body["count"] == len(published) and not body["count_is_estimate"]
            assert {d["id"] for d in body["results"]} == {e.pk for e in published}
            for facet in ("access", "institution"):
                shown = [(i["value"], i["count"]) for i in body["facets"][facet]]
                assert shown == facet_counts(published, facet), facet

        def each_dataset_is_found_by_its_words_only_while_published(self):
            """One dataset and one piece of its text each time, in turn, so that every history
            checks many (search_a_word_of_it lets hypothesis choose)."""
            entries = list(self.model.values())
            entry = entries[self.checked % len(entries)]
            where = ("title", "keywords", "description")[self.checked % 3]
            pieces = self.pieces_of(entry, where)
            self.check_found_by(entry, pieces[self.checked % len(pieces)], where, ckan=False)

    run_state_machine_as_test(
        CatalogueHistory,
        settings=settings(
            max_examples=EXPLORE or 40,
            stateful_step_count=20,
            deadline=None,
            derandomize=not EXPLORE,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )


def facet_counts(entries: list[Entry], facet: str) -> list[tuple[str, int]]:
    """(value, count) of one facet, most frequent first, as the API lists them."""
    counts: dict[str, int] = {}
    for e in entries:
        value = e.institution if facet == "institution" else e.shown.access
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def ckan_fq(search: Search) -> str | None:
    """The filters as CKAN's fq, or None when fq cannot say the same."""
    fields = {
        "institution": "organization",
        "keyword": "tags",
        "format": "res_format",
        "license": "license_id",
        "theme": "groups",
    }
    terms = []
    for name, values in search.filters.items():
        wanted = effective(values)
        if not wanted:
            continue
        if name not in fields:
            return None
        if any('"' in value or (name == "theme" and value != value.upper()) for value in wanted):
            return None
        if name in ("institution", "license"):
            # A dataset has one of each: Suchi reads several values as any of them, CKAN's
            # terms are ANDed (its Solr schema's default operator), so group them with OR.
            quoted = " OR ".join(f'"{value}"' for value in wanted)
            terms.append(f"{fields[name]}:({quoted})")
        else:
            terms.extend(f'{fields[name]}:"{value}"' for value in wanted)
    if search.since is not None:
        return None
    return " ".join(terms)
