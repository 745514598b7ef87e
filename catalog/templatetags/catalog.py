"""Template helpers of the public catalogue pages."""

from django import template

from ..markup import description_html

register = template.Library()
register.filter("description_html", description_html)
