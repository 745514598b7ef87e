"""The catalogue's facets, declared once: the order a search answer lists them in, and which
of them are long tails (too many terms to count every one)."""

FACETS = ("institution", "theme", "license", "format", "access", "keyword", "ml_ready")
LONG_TAILED = frozenset({"keyword"})
# Every term of these is counted and labelled; of a long tail, only its top terms.
FEW_VALUED = tuple(facet for facet in FACETS if facet not in LONG_TAILED)
