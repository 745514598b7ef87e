"""Template helpers of the public catalogue pages."""

from django import template
from django.utils.translation import gettext, ngettext

from .. import labels
from ..markup import description_html, description_text

register = template.Library()
register.filter("description_html", description_html)
register.filter("description_text", description_text)

_TABLES = {
    "access": labels.ACCESS,
    "institution_kind": labels.INSTITUTION_KIND,
    "revision_kind": labels.REVISION_KIND,
}


@register.filter
def label(code: str, table: str) -> str:
    """`{{ dataset.access_rights|label:"access" }}`: a code's words in the active language."""
    return str(_TABLES[table].get(code, code))


@register.filter
def quality_note(criterion: dict) -> str:
    """A quality criterion's note (stored in English) in the active language; a note with
    numbers is said again from the facts stored beside it (registry.quality)."""
    if "age_days" in criterion:
        age, expected = criterion["age_days"], criterion["expected_days"]
        updated = ngettext("last updated %(age)d day ago", "last updated %(age)d days ago", age) % {
            "age": age
        }
        wanted = ngettext(
            "expected every %(days)d day or less", "expected every %(days)d days or less", expected
        ) % {"days": expected}
        return f"{updated}; {wanted}"
    return gettext(criterion["note"]) if criterion.get("note") else ""
