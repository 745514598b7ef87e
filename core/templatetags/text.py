"""Template filters for text written by the code for people to read."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def code_spans(text: str):
    """A finding's message, escaped, with its `backticked` names as <code> (checks write field
    names and values so; the page showed the backticks)."""
    escaped = escape(text or "")
    return mark_safe(re.sub(r"`([^`\n]{1,200})`", r"<code>\1</code>", escaped))  # noqa: S308  # nosec B308 B703
