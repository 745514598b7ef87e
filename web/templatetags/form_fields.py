"""Template helpers of the console's and portal's forms."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def fields(form, names: str) -> list:
    """`form|fields:"title slug"`: those fields of the form, bound, in the order named (so a
    template can group them in fieldsets without spelling out each one)."""
    return [form[name] for name in names.split()]


@register.filter
def code_spans(text: str):
    """A finding's message, escaped, with its `backticked` names as <code> (checks write field
    names and values so; the page showed the backticks)."""
    escaped = escape(text or "")
    return mark_safe(re.sub(r"`([^`\n]{1,200})`", r"<code>\1</code>", escaped))  # noqa: S308  # nosec B308 B703
