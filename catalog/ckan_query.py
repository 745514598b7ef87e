"""CKAN's `q` and `fq` (Lucene syntax, as CKAN hands them to Solr) as conditions on Suchi's
published datasets.

Fields: name, title, notes, tags, organization (owner_org), groups, res_format, license_id,
author, maintainer, url, version, res_url, res_name, num_resources, num_tags (and more: FIELDS),
metadata_modified, metadata_created, id, text (the default field), and CKAN's own
dataset_type, capacity and state. Operators: AND, OR, NOT, `+`, `-`, parentheses, "phrases",
`*` and `?` wildcards, ranges `[a TO b]` / `{a TO b}` / `>a` with `*`, and Solr's date math
(`NOW-1DAY`). Boosts are ignored; fuzzy, proximity and regular-expression terms are refused.
A field no dataset has matches nothing (Solr's catch-all dynamic field in CKAN's schema).

A `q` without a colon, and the words of a `q` outside any field ANDed at its top, stay the
catalogue's text search (ranked as it ranks); everything else becomes a Q object."""

import re
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import Regex
from django.utils import timezone
from luqum import tree

from registry import vocabularies
from registry.models import Distribution

from .ckan_params import SearchQueryError
from .query_params import parse_moment
from .search.conditions import (
    EVERYTHING,
    NOTHING,
    count_between,
    json_array_filled,
    json_array_has,
    json_array_matches,
    text_matches,
)
from .search.lucene import (
    LuceneSyntaxError,
    has_wildcard,
    parse,
    solr_moment,
    unescape,
    wildcard_regex,
)
from .standards.ckan import NAME_SEPARATOR
from .standards.ckan_licences import spdx_family, spdx_for

TEXT_FIELDS = ("text", "title", "notes")
DATE_FIELDS = {"metadata_modified": "modified_at", "metadata_created": "created_at"}
# CKAN's own fields, each with the one value every dataset Suchi shows has.
CONSTANT_FIELDS = {
    "dataset_type": "dataset", "type": "dataset", "capacity": "public", "state": "active",
}  # fmt: skip
# Fields of package_dict with a column of their own (matched whole, case ignored).
COLUMN_FIELDS = {
    "author": "institution__name",
    "maintainer": "contact_name",
    "maintainer_email": "contact_email",
    "url": "landing_page",
    "version": "version",
    "extras_access_rights": "access_rights",
    "extras_update_frequency": "update_frequency",
}
# A resource's fields: a dataset matches when one of its distributions does.
RESOURCE_FIELDS = {
    "res_url": ("access_url", "download_url"),
    "res_name": ("title",),
    "res_description": ("description",),
}
COUNT_FIELDS = {"num_resources": "distributions", "num_tags": "keywords"}
FIELDS = (
    "name",
    "title",
    "notes",
    "tags",
    "organization",
    "owner_org",
    "groups",
    "res_format",
    "license_id",
    "id",
    "text",
    *DATE_FIELDS,
    *CONSTANT_FIELDS,
    *COLUMN_FIELDS,
    *RESOURCE_FIELDS,
    *COUNT_FIELDS,
)
_PREFIX = re.compile(r"^\w+\*$")


@dataclass
class CkanQuery:
    """`text` for the full-text search (ranked), and `condition` for everything else."""

    text: str = ""
    condition: Q | None = None


def read_q(q: str) -> CkanQuery:
    """`q`. CKAN sends a `q` without a colon to Solr's dismax parser, which reads only quotes,
    `+` and `-` and takes any other text as words: such a `q` is the catalogue's own text search
    (quotes, `-word` and `or` as the REST API reads them). With a colon it is Lucene."""
    if ":" not in q:
        return CkanQuery(text=q)
    try:
        root = parse(q)
    except LuceneSyntaxError as exc:
        raise SearchQueryError(f"q: {exc}") from None
    while isinstance(root, tree.Group):
        root = root.expr
    clauses = list(root.operands) if isinstance(root, _CONJUNCTIONS) else [root]
    words, conditions = [], []
    translate = _Translator("q")
    for clause in clauses:
        if isinstance(clause, tree.Plus):
            clause = clause.a
        spelled = _as_words(clause)
        if spelled is None:
            conditions.append(translate.node(clause, None))
        elif spelled:
            words.append(spelled)
    conditions = [c for c in conditions if c is not EVERYTHING]
    return CkanQuery(" ".join(words), reduce(and_, conditions) if conditions else None)


def read_fq(fq: str, param: str = "fq") -> Q | None:
    """`fq` (or one of `fq_list`) as one condition; None when it is empty."""
    if not fq.strip():
        return None
    try:
        root = parse(fq)
    except LuceneSyntaxError as exc:
        raise SearchQueryError(f"{param}: {exc}") from None
    condition = _Translator(param).node(root, None)
    return None if condition is EVERYTHING else condition


_CONJUNCTIONS = (tree.AndOperation, tree.UnknownOperation)


def _as_words(node) -> str | None:
    """A clause that the full-text search reads as it stands (a word, a "phrase", a -word, or
    words ORed), spelled for it; None for anything else."""
    if isinstance(node, tree.Word) and not has_wildcard(node.value):
        word = unescape(node.value)
        return f'"{word}"' if word.lower() == "or" or word.startswith("-") else word
    if isinstance(node, tree.Word) and node.value == "*":
        return ""
    if isinstance(node, tree.Phrase):
        return '"' + unescape(node.value[1:-1]).replace('"', " ") + '"'
    if isinstance(node, tree.Prohibit | tree.Not) and isinstance(node.a, tree.Word | tree.Phrase):
        inner = _as_words(node.a)
        return "-" + inner if inner else None
    if isinstance(node, tree.OrOperation):
        spelled = [
            _as_words(op) if isinstance(op, tree.Word | tree.Phrase) else None
            for op in node.operands
        ]
        if all(spelled):
            return " or ".join(spelled)
    return None


class _Translator:
    def __init__(self, param: str):
        self.param = param
        self.now = timezone.now()

    def refuse(self, message: str):
        raise SearchQueryError(f"{self.param}: {message}")

    def node(self, item, field: str | None) -> Q:
        if isinstance(item, tree.Group | tree.FieldGroup):
            return self.node(item.expr, field)
        if isinstance(item, tree.Boost):
            return self.node(item.expr, field)
        if isinstance(item, _CONJUNCTIONS):
            # `x AND *:*` is x, so that CKAN's constant terms (`+dataset_type:dataset`) leave
            # an unfiltered search unfiltered, answered from the catalogue's counters.
            parts = [
                p for p in (self.node(op, field) for op in item.operands) if p is not EVERYTHING
            ]
            return reduce(and_, parts) if parts else EVERYTHING
        if isinstance(item, tree.OrOperation):
            parts = [self.node(op, field) for op in item.operands]
            return EVERYTHING if any(p is EVERYTHING for p in parts) else reduce(or_, parts)
        if isinstance(item, tree.Not | tree.Prohibit):
            return ~self.node(item.a, field)
        if isinstance(item, tree.Plus):
            return self.node(item.a, field)
        if isinstance(item, tree.SearchField):
            if field is not None:
                self.refuse(f"a field inside the field {field!r} (escape a colon as \\:)")
            if item.name == "*":
                if not (isinstance(item.expr, tree.Word) and item.expr.value == "*"):
                    self.refuse("`*:` takes only `*`")
                return EVERYTHING
            if item.name not in FIELDS:
                # Solr's catch-all dynamic field in CKAN's schema: a field no dataset has
                # matches nothing (an error would break clients written for CKAN).
                return NOTHING
            return self.node(item.expr, item.name)
        if isinstance(item, tree.Word):
            return self.term(field or "text", item.value, phrase=False)
        if isinstance(item, tree.Phrase):
            return self.term(field or "text", item.value[1:-1], phrase=True)
        if isinstance(item, tree.Range):
            return self.range(field, item.low, item.high, item.include_low, item.include_high)
        if isinstance(item, tree.From):
            return self.range(field, item.a, tree.Word("*"), item.include, True)
        if isinstance(item, tree.To):
            return self.range(field, tree.Word("*"), item.a, True, item.include)
        kind = type(item).__name__.lower()
        return self.refuse(f"{kind} queries are not supported ({str(item)[:60]!r})")

    # Long: one branch per field, each short, in FIELDS' order.
    def term(self, field: str, raw: str, *, phrase: bool) -> Q:
        if raw == "*" and not phrase:
            return self.any_value(field)
        wildcard = not phrase and has_wildcard(raw)
        value = unescape(raw)
        if field in TEXT_FIELDS:
            column = "" if field == "text" else field
            if wildcard:
                if not _PREFIX.match(raw):
                    self.refuse(f"{field} takes wildcards only at the end of a word: {raw[:60]!r}")
                return text_matches(raw[:-1], column=column, prefix=True)
            return text_matches(value, column=column, phrase=phrase)
        if field == "name":
            if wildcard:
                full = Concat(
                    F("institution__slug"),
                    Value(NAME_SEPARATOR),
                    F("slug"),
                    output_field=CharField(),
                )
                return Q(Regex(full, wildcard_regex(raw)))
            institution, separator, slug = value.partition(NAME_SEPARATOR)
            return Q(institution__slug=institution, slug=slug) if separator else NOTHING
        if field == "tags":
            if wildcard:
                return json_array_matches("keywords", wildcard_regex(raw))
            return json_array_has("keywords", value)
        if field in ("organization", "owner_org"):
            if wildcard:
                return Q(institution__slug__regex=wildcard_regex(raw))
            return Q(institution__slug=value)
        if field == "groups":
            if wildcard:
                return json_array_matches("themes", wildcard_regex(raw.upper()))
            return json_array_has("themes", value.upper())
        if field == "res_format":
            formats = Distribution.objects.filter(dataset=OuterRef("pk"))
            if wildcard:
                return Q(Exists(formats.filter(format__iregex=wildcard_regex(raw))))
            return Q(Exists(formats.filter(format__iexact=value)))
        if field == "license_id":
            if wildcard:
                return Q(license__regex=wildcard_regex(raw))
            if len(family := spdx_family(value)) > 1:
                return Q(license__in=family)
            return Q(license=_licence(value))
        if field == "id":
            if wildcard:
                self.refuse("id takes no wildcards")
            try:
                return Q(pk=uuid.UUID(value))
            except ValueError:
                return NOTHING
        if field in DATE_FIELDS:
            return Q(**{DATE_FIELDS[field]: self.moment(value)})
        if field in COLUMN_FIELDS:
            lookup = "iregex" if wildcard else "iexact"
            return Q(
                **{f"{COLUMN_FIELDS[field]}__{lookup}": wildcard_regex(raw) if wildcard else value}
            )
        if field in RESOURCE_FIELDS:
            lookup = "iregex" if wildcard else "iexact"
            wanted = wildcard_regex(raw) if wildcard else value
            matches = reduce(or_, (Q(**{f"{c}__{lookup}": wanted}) for c in RESOURCE_FIELDS[field]))
            return Q(Exists(Distribution.objects.filter(matches, dataset=OuterRef("pk"))))
        if field in COUNT_FIELDS:
            number = self.number(value)
            return count_between(COUNT_FIELDS[field], number, number)
        return EVERYTHING if value == CONSTANT_FIELDS[field] else NOTHING

    def number(self, value: str) -> int:
        """A count as the query writes it, held within what a database integer holds (a count
        past 2**31 matches as 2**31 would: nothing has that many)."""
        try:
            number = int(value[:40])
        except ValueError:
            return self.refuse(f"a whole number, not {value[:30]!r}")
        return max(-(2**31), min(number, 2**31))

    def any_value(self, field: str) -> Q:
        """`field:*`: the datasets with a value in the field."""
        if field == "tags":
            return json_array_filled("keywords")
        if field == "groups":
            return json_array_filled("themes")
        if field == "notes":
            return ~Q(description="")
        if field == "res_format":
            formats = Distribution.objects.filter(dataset=OuterRef("pk")).exclude(format="")
            return Q(Exists(formats))
        if field in COLUMN_FIELDS:
            return ~Q(**{COLUMN_FIELDS[field]: ""})
        if field in RESOURCE_FIELDS:
            return Q(Exists(Distribution.objects.filter(dataset=OuterRef("pk"))))
        return EVERYTHING

    def range(self, field, low, high, include_low: bool, include_high: bool) -> Q:
        for bound in (low, high):
            if not isinstance(bound, tree.Term):  # `[-1 TO 5]`: Lucene reads `-1` as NOT 1
                self.refuse(f"a range's bounds are values, not {str(bound)[:30]!r}")
        if field in COUNT_FIELDS:
            least = 0 if low.value == "*" else self.number(low.value) + (not include_low)
            most = 2**31 if high.value == "*" else self.number(high.value) - (not include_high)
            return count_between(COUNT_FIELDS[field], least, most)
        if field not in DATE_FIELDS:
            spelled = " and ".join([*DATE_FIELDS, *COUNT_FIELDS])
            self.refuse(f"ranges are supported on {spelled} only, not {field!r}")
        column, condition = DATE_FIELDS[field], Q()
        if low.value != "*":
            condition &= Q(
                **{f"{column}__{'gte' if include_low else 'gt'}": self.moment(low.value)}
            )
        if high.value != "*":
            condition &= Q(
                **{f"{column}__{'lte' if include_high else 'lt'}": self.moment(high.value)}
            )
        return condition if condition else EVERYTHING

    def moment(self, value: str):
        try:
            return solr_moment(
                unescape(value), now=self.now, parse_time=lambda t: parse_moment(t, dates=True)
            )
        except ValueError as exc:
            return self.refuse(str(exc))


def _licence(value: str) -> str:
    """The licence id Suchi stores for a CKAN licence id (`cc-by`) or an SPDX id in any case;
    CKAN's `notspecified` is a dataset without a licence, as package_dict shows it."""
    if value == "notspecified":
        return ""
    return spdx_for(value) or vocabularies.licence_canonical_id(value) or value
