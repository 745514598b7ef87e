from django import template

from core.links import http_url

register = template.Library()


@register.filter(name="http_only")
def http_only(value) -> str:
    """The address if it is http(s), else "" (so `{% if %}` hides the link)."""
    return http_url(value)
