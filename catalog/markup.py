"""Dataset descriptions as HTML: Markdown (CommonMark, no raw HTML) through an allow-list
sanitiser, so that nothing a publisher or a harvested catalogue writes can run in a reader's
browser."""

from html import unescape

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "js-default": CommonMark plus tables and strikethrough, raw HTML off, unsafe link schemes
# (javascript:, vbscript:, file:, data:) refused by the parser itself.
_markdown = MarkdownIt("js-default")
# Headings are left out so that a description cannot break the page's heading outline (their
# text stays); images are left out so that a description cannot load anything from elsewhere.
_TAGS = {
    "p", "br", "hr", "em", "strong", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def description_html(text: str) -> SafeString:
    """Render a description (Markdown) to safe HTML: links open no window back to us
    (`noopener`) and pass no ranking (`nofollow`)."""
    html = _markdown.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 (nh3 sanitised it)  # nosec B308 B703


def description_text(text: str) -> str:
    """A description's words without its Markdown (for a page's meta description): plain text,
    not marked safe, so the template escapes it like any other."""
    html = _markdown.render(text or "")
    return " ".join(unescape(nh3.clean(html, tags=set())).split())
