"""Template helpers of the public catalogue pages."""

import re

from django import template
from django.utils.translation import gettext, ngettext

from .. import labels
from ..markup import description_html

register = template.Library()
register.filter("description_html", description_html)

_TABLES = {
    "access": labels.ACCESS,
    "institution_kind": labels.INSTITUTION_KIND,
    "revision_kind": labels.REVISION_KIND,
}
_LATE = re.compile(r"^last updated (\d+) days ago; expected every (\d+) days or less$")


@register.filter
def label(code: str, table: str) -> str:
    """`{{ dataset.access_rights|label:"access" }}`: a code's words in the active language."""
    return str(_TABLES[table].get(code, code))


@register.filter
def quality_text(text: str) -> str:
    """A quality criterion's label or note (stored in English) in the active language."""
    if not text:
        return text
    late = _LATE.match(text)
    if late:
        age, expected = (int(n) for n in late.groups())
        updated = ngettext("last updated %(age)d day ago", "last updated %(age)d days ago", age) % {
            "age": age
        }
        wanted = ngettext(
            "expected every %(days)d day or less", "expected every %(days)d days or less", expected
        ) % {"days": expected}
        return f"{updated}; {wanted}"
    return gettext(text)
