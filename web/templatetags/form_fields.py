"""Template helpers of the console's and portal's forms."""

from django import template

register = template.Library()


@register.filter
def fields(form, names: str) -> list:
    """`form|fields:"title slug"`: those fields of the form, bound, in the order named (so a
    template can group them in fieldsets without spelling out each one)."""
    return [form[name] for name in names.split()]
