"""The IRIs Suchi mints for its catalogue (DCAT, data.json), each the absolute address of a route
that answers it: an IRI of ours always dereferences (HTML for browsers, RDF by content
negotiation). `base` is the site's address (settings.SUCHI_SITE_URL) without a trailing slash.
"""

from django.urls import reverse


def catalog(base: str) -> str:
    return base + reverse("catalog")


def operator(base: str) -> str:
    """The agent that runs this Suchi (the catalogue's publisher): a part of the home page."""
    return base + reverse("home") + "#operator"


def home(base: str) -> str:
    return base + reverse("home")


def dataset(base: str, pk) -> str:
    return base + reverse("dataset-page", kwargs={"pk": pk})


def distribution(base: str, pk) -> str:
    return base + reverse("distribution-page", kwargs={"pk": pk})


def distribution_schema(base: str, pk) -> str:
    """Where a distribution's Table Schema is served as JSON."""
    return base + reverse("distribution-schema", kwargs={"pk": pk})


def institution(base: str, slug: str) -> str:
    return base + reverse("institution-page", kwargs={"slug": slug})


def place(base: str, state_code: str) -> str:
    """An Indian state or union territory, named by its ISO 3166-2:IN code (`IN-MH`)."""
    return base + reverse("place-page", kwargs={"code": state_code})


def data_json(base: str) -> str:
    return base + reverse("data-json")


def quality(base: str, fragment: str) -> str:
    """A FAIR metric or dimension (DQV), explained on the quality dashboard."""
    return base + reverse("quality-page") + "#" + fragment
