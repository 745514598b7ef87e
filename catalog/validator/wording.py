"""A validation result as a sentence, in the reader's language: "Dataset <x> has no dct:description
(required: at least 1)." Built from the raw fields (constraint, path, expected, value), which
the report keeps too."""

import re

from django.utils.translation import gettext as _

_KINDS = {
    "dcat:Catalog": "Catalogue",
    "dcat:Dataset": "Dataset",
    "dcat:Distribution": "Distribution",
    "dcat:DataService": "Data service",
    "dcat:DatasetSeries": "Dataset series",
    "dcat:CatalogRecord": "Catalogue record",
    "foaf:Agent": "Agent",
}
_REQUIRED = re.compile(r"^'([^']{1,200})' is a required property$")


def _subject(result: dict) -> str:
    kind = result.get("focus_type") or ""
    focus = result.get("focus_node") or ""
    if focus == "$":
        return _("The catalogue")
    names = {
        "Catalogue": _("Catalogue"),
        "Dataset": _("Dataset"),
        "Distribution": _("Distribution"),
        "Data service": _("Data service"),
        "Dataset series": _("Dataset series"),
        "Catalogue record": _("Catalogue record"),
        "Agent": _("Agent"),
    }
    name = names.get(_KINDS.get(kind, ""), kind)
    return f"{name} {focus}".strip()


def sentence(result: dict) -> str:
    """The result in plain language."""
    constraint = result.get("constraint", "")
    words = {
        "subject": _subject(result),
        "path": result.get("path") or _("it"),
        "expected": result.get("expected") or "",
        "value": result.get("value") or "",
        "message": result.get("message") or "",
    }
    if constraint == "MinCountConstraintComponent":
        if words["expected"] in ("", "1"):
            return _("%(subject)s has no %(path)s (required: at least 1).") % words
        return _("%(subject)s has too few %(path)s (required: at least %(expected)s).") % words
    if constraint == "MaxCountConstraintComponent":
        return _("%(subject)s has too many %(path)s (allowed: at most %(expected)s).") % words
    if constraint == "ClassConstraintComponent":
        return (
            _(
                "The %(path)s of %(subject)s, %(value)s, is not declared a %(expected)s "
                "(give it an rdf:type %(expected)s)."
            )
            % words
        )
    if constraint == "DatatypeConstraintComponent":
        return _("The %(path)s of %(subject)s, %(value)s, is not of type %(expected)s.") % words
    if constraint == "NodeKindConstraintComponent":
        return (
            _("The %(path)s of %(subject)s, %(value)s, is not the kind of value required.") % words
        )
    required = _REQUIRED.match(words["message"]) if constraint == "required" else None
    if required:
        return _("%(subject)s has no “%(field)s” (required).") % {
            **words,
            "field": required.group(1),
        }
    return _("%(subject)s, %(path)s: %(message)s") % words


def grouped(results: list[dict]) -> list[dict]:
    """Results grouped by focus node, in order of first appearance, each with its sentences."""
    groups: dict[str, dict] = {}
    for result in results:
        group = groups.setdefault(
            result["focus_node"],
            {"focus_node": result["focus_node"], "subject": _subject(result), "items": []},
        )
        group["items"].append({**result, "sentence": sentence(result)})
    return list(groups.values())


def report_data(report) -> dict:
    """A report (catalog.validator.Report) as the API answers it, each result with its
    sentence."""
    return {
        "standard": report.standard,
        "conforms": report.conforms,
        "violations": report.violations,
        "total": report.total,
        "truncated": report.truncated,
        "results": [{**result, "sentence": sentence(result)} for result in report.results],
    }
