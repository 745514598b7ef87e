"""The data card (issue #18): written through the API, versioned with the dataset's revisions,
shown on the page, carried in the Croissant as RAI properties and in the DCAT where DCAT-AP has
a place; bad cards refused naming the field, markup kept inert."""

import copy
import json

import html5rdf
import mlcroissant as mlc
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS

from registry.models import Dataset

from ..factories import dataset_payload, run_queued_validations

pytestmark = pytest.mark.django_db
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
CARD = {
    "summary": "Daily bed occupancy of every public hospital ward in Karnataka.",
    "intended_uses": "Forecasting bed demand; planning surge capacity.",
    "out_of_scope_uses": "Judging a single hospital's quality of care.",
    "data_subjects": "non-personal",
    "sensitive_fields": [],
    "collection_method": "Ward nurses enter counts at 8 am in the state HMIS.",
    "collection_start": "2023-04-01",
    "collection_end": "2024-03-31",
    "preprocessing": "Duplicate reports of a ward and day are dropped; the latest is kept.",
    "deidentification": "",
    "known_biases": "Rural sub-centres report late and are under-counted on Mondays.",
    "limitations": "Private hospitals are not included.",
    "social_impact": "Supports fair allocation of beds between districts.",
    "maintenance_plan": "Refreshed daily by the Health Department's data cell.",
    "authors": [{"name": "Meera Rao", "email": "meera@health.ka.example", "affiliation": "HMIS"}],
}


class Page:
    """A page read by a real HTML parser (html5rdf, an html5lib fork)."""

    def __init__(self, body: bytes):
        self.tree = html5rdf.parse(body, treebuilder="etree", namespaceHTMLElements=False)

    def text_of(self, element_id: str) -> str:
        found = self.tree.find(f".//*[@id='{element_id}']")
        assert found is not None, element_id
        return " ".join("".join(found.itertext()).split())

    def json_ld(self) -> list[str]:
        return [s.text for s in self.tree.iter("script") if s.get("type") == "application/ld+json"]


def register(api, **overrides) -> str:
    response = api.post("/api/v1/datasets", dataset_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def publish_via_api(api, **overrides) -> str:
    pk = register(api, **overrides)
    run_queued_validations()
    assert Dataset.objects.get(pk=pk).status == Dataset.Status.PUBLISHED
    return pk


def test_round_trip_api_page_croissant_dcat(api, client):
    pk = publish_via_api(api, data_card=CARD)

    # API: the card as written, every key present.
    got = api.get(f"/api/v1/datasets/{pk}").json()
    assert got["data_card"] == CARD

    # Page: each text under its heading, in the data card section.
    text = Page(client.get(f"/datasets/{pk}").content).text_of("data-card")
    for key in ("summary", "intended_uses", "known_biases", "maintenance_plan"):
        assert CARD[key] in text
    assert "Meera Rao (HMIS)" in text and "Not about individuals" in text

    # Croissant: the RAI properties, and mlcroissant reads them.
    document = client.get(f"/api/v1/datasets/{pk}/croissant").json()
    assert document["rai:dataCollection"] == CARD["collection_method"]
    assert document["rai:dataBiases"] == [CARD["known_biases"]]
    assert document["rai:dataLimitations"] == [CARD["limitations"]]
    assert document["rai:dataUseCases"] == [
        CARD["intended_uses"],
        "Not suited for: " + CARD["out_of_scope_uses"],
    ]
    assert document["rai:dataReleaseMaintenancePlan"] == CARD["maintenance_plan"]
    assert document["rai:personalSensitiveInformation"] == ["Data subjects: Not about individuals."]
    loaded = mlc.Dataset(jsonld=copy.deepcopy(document))
    assert not loaded.metadata.ctx.issues.errors
    metadata = loaded.metadata
    assert metadata.data_collection == CARD["collection_method"]
    assert metadata.data_biases == [CARD["known_biases"]]
    assert metadata.data_social_impact == CARD["social_impact"]
    assert metadata.data_release_maintenance_plan == CARD["maintenance_plan"]
    assert [d.date().isoformat() for d in metadata.data_collection_timeframe] == [
        "2023-04-01",
        "2024-03-31",
    ]

    # DCAT: a provenance statement, two quality annotations, the card's page.
    g = Graph().parse(data=client.get(f"/datasets/{pk}.ttl").content, format="turtle")
    node = URIRef(f"http://testserver/datasets/{pk}")
    node = next(g.subjects(DCTERMS.identifier, Literal(pk)))
    statement = g.value(node, DCTERMS.provenance)
    assert (statement, None, DCTERMS.ProvenanceStatement) in g
    story = str(g.value(statement, RDFS.label))
    assert CARD["collection_method"] in story and "2023-04-01 to 2024-03-31" in story
    notes = {str(g.value(n, OA.bodyValue)) for n in g.objects(node, DQV.hasQualityAnnotation)}
    assert notes == {
        "Known biases: " + CARD["known_biases"],
        "Limitations: " + CARD["limitations"],
    }
    assert str(g.value(node, FOAF.page)).endswith(f"/datasets/{pk}#data-card")


def test_the_card_is_versioned_with_the_revisions(api, client):
    pk = publish_via_api(api, data_card=CARD)
    response = api.patch(
        f"/api/v1/datasets/{pk}", {"data_card": {"limitations": "Only 2023-24."}}, format="json"
    )
    assert response.status_code == 200, response.content
    # Until the change passes validation the public sees the card as it was.
    assert (
        api.get(f"/api/v1/datasets/{pk}").json()["data_card"]["limitations"]
        == (CARD["limitations"])
    )
    run_queued_validations()
    card = api.get(f"/api/v1/datasets/{pk}").json()["data_card"]
    assert card == {**CARD, "limitations": "Only 2023-24."}  # the other keys kept
    revisions = api.get(f"/api/v1/datasets/{pk}/revisions").json()["results"]
    by_number = {r["number"]: r["snapshot"]["data_card"] for r in revisions}
    assert by_number[1]["limitations"] == CARD["limitations"]
    assert by_number[2]["limitations"] == "Only 2023-24."
    assert "Only 2023-24." in client.get(f"/datasets/{pk}").content.decode()


def test_a_dataset_without_a_card_shows_none_and_its_croissant_has_no_rai(api, client):
    pk = publish_via_api(api)
    assert api.get(f"/api/v1/datasets/{pk}").json()["data_card"]["summary"] == ""
    assert 'id="data-card"' not in client.get(f"/datasets/{pk}").content.decode()
    document = client.get(f"/api/v1/datasets/{pk}/croissant").json()
    assert not [key for key in document if key.startswith("rai:")]


@pytest.mark.parametrize(
    "card, field",
    [
        ({"summary": "x" * 5001}, "data_card.summary"),
        ({"known_biases": 12}, "data_card.known_biases"),
        ({"data_subjects": "aliens"}, "data_card.data_subjects"),
        ({"colour": "blue"}, "data_card.colour"),
        ({"authors": [{"email": "a@b.example"}]}, "data_card.authors[0].name"),
        ({"authors": [{"name": "A"}] * 21}, "data_card.authors"),
        ({"sensitive_fields": [{"column": "pin", "category": "x"}]}, "data_card.sensitive_fields"),
        ({"collection_start": "2024-02-01", "collection_end": "2024-01-01"}, "data_card"),
        ("a card", "data_card"),
    ],
)
def test_a_bad_card_is_a_400_naming_the_field_and_writes_nothing(api, card, field):
    before = Dataset.objects.count()
    response = api.post("/api/v1/datasets", dataset_payload(data_card=card), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert any(name.startswith(field) for name in errors), errors
    assert Dataset.objects.count() == before


def test_personal_data_cannot_be_said_to_be_about_nobody(api):
    response = api.post(
        "/api/v1/datasets",
        dataset_payload(contains_personal_data=True, data_card={"data_subjects": "synthetic"}),
        format="json",
    )
    assert response.status_code == 400
    assert "data_card.data_subjects" in response.json()["errors"]


def test_markup_in_the_card_stays_text_on_the_page_and_in_json_ld(api, client):
    evil = '</script><script>alert(1)</script><b onclick="x()">bold</b>'
    pk = publish_via_api(api, data_card={**CARD, "summary": evil, "known_biases": evil})
    body = client.get(f"/datasets/{pk}").content.decode()
    assert "<script>alert(1)" not in body and "<b onclick" not in body
    page = Page(body.encode())
    assert " ".join(evil.split()) in page.text_of("data-card")
    blocks = page.json_ld()
    assert blocks
    for block in blocks:
        json.loads(block)  # each block still parses: nothing broke out
    document = client.get(f"/api/v1/datasets/{pk}/croissant").json()
    assert document["rai:dataBiases"] == [evil]


def test_sensitive_columns_and_synthetic_data_in_croissant(api, client):
    card = {
        **CARD,
        "data_subjects": "personal-sensitive",
        "deidentification": "Names removed; ages banded in fives.",
        "sensitive_fields": [
            {"column": "pincode", "category": "quasi-identifier", "note": "first 3 digits"},
            {"column": "diagnosis", "category": "health", "note": ""},
        ],
    }
    pk = publish_via_api(
        api, access_rights="restricted", contains_personal_data=True, data_card=card
    )
    document = client.get(f"/api/v1/datasets/{pk}/croissant").json()
    assert document["rai:personalSensitiveInformation"] == [
        "Data subjects: Personal data, including sensitive categories.",
        "Column pincode: Identifies a person when combined with others (first 3 digits).",
        "Column diagnosis: Health.",
        "De-identification: Names removed; ages banded in fives.",
    ]
    page = Page(client.get(f"/datasets/{pk}").content)
    assert "pincode: Identifies a person when combined with others" in page.text_of("data-card")
    synthetic = publish_via_api(
        api, slug="synthetic-beds", data_card={**CARD, "data_subjects": "synthetic"}
    )
    document = client.get(f"/api/v1/datasets/{synthetic}/croissant").json()
    assert document["rai:hasSyntheticData"] is True
    assert not mlc.Dataset(jsonld=document).metadata.ctx.issues.errors
