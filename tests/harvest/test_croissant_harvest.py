"""Croissant both ways (issue #18): what Suchi exports, a Suchi harvest source of kind
`croissant` reads back with nothing lost (data card, Table Schemas, checksums included); real
documents from Hugging Face, Zenodo and the Croissant repository become catalogue records, with
what has no place kept in the provenance."""

import hashlib
import json
from pathlib import Path

import pytest

from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset
from registry.services import dataset_snapshot

from ..factories import make_institution, publish, run_queued_validations, source_url
from ..sourceserver import BEDS_CSV
from .conftest import serve_json

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "croissant"
SCHEMA = {
    "fields": [
        {"name": "district", "type": "string", "description": "District"},
        {"name": "date", "type": "date"},
        {"name": "beds_total", "type": "integer"},
        {"name": "beds_occupied", "type": "integer"},
    ],
    "primaryKey": ["district", "date"],
}
CARD = {
    "summary": "Beds in every district hospital, daily.",
    "intended_uses": "Forecasting demand for beds.",
    "out_of_scope_uses": "Ranking hospitals.",
    "data_subjects": "personal-sensitive",
    "sensitive_fields": [
        {"column": "district", "category": "location", "note": "district only"},
        {"column": "beds_occupied", "category": "health", "note": ""},
    ],
    "collection_method": "Nurses report at 8 am.",
    "collection_start": "2023-04-01",
    "collection_end": "2024-03-31",
    "preprocessing": "Duplicates dropped.",
    "deidentification": "No names; counts under 5 suppressed.",
    "known_biases": "Rural wards report late.",
    "limitations": "Public hospitals only.",
    "social_impact": "Fairer allocation of beds.",
    "maintenance_plan": "Updated daily.",
    "authors": [{"name": "Data cell", "email": "", "affiliation": ""}],
}


def harvest(owner, url: str, kind: str = "croissant"):
    source = harvest_source_create(institution=owner, name="ML datasets", kind=kind, url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_what_suchi_exports_comes_back_whole(client, catalogue_server, owner):
    state = make_institution(slug="ka-health", name="Health Department, Karnataka")
    original = publish(
        state,
        slug="beds",
        title="Hospital beds",
        keywords=["beds", "ICU"],
        license="CC-BY-4.0",
        access_rights="open",
        contains_personal_data=False,
        version="2.1",
        languages=["en", "kn"],
        temporal={"start": "2023-04-01", "end": None},
        data_card={**CARD, "data_subjects": "non-personal", "deidentification": ""},
        distributions=[
            {
                "title": "Beds (CSV)",
                "access_url": source_url("/beds.csv"),
                "download_url": source_url("/beds.csv"),
                "media_type": "text/csv",
                "format": "CSV",
                "byte_size": len(BEDS_CSV),
                "checksum_sha256": hashlib.sha256(BEDS_CSV).hexdigest(),
                "schema": SCHEMA,
            }
        ],
    )
    document = client.get(f"/api/v1/datasets/{original.pk}/croissant").json()
    job = harvest(owner, serve_json(catalogue_server, "/beds-croissant.json", document))
    assert (job.status, job.added, job.failed) == ("finished", 1, 0), job.errors
    run_queued_validations()  # its link checks, deferred for harvested records
    harvested = Dataset.objects.get(institution=owner)
    assert harvested.status == Dataset.Status.PUBLISHED
    sent, arrived = dataset_snapshot(original), dataset_snapshot(harvested)
    for key in ("title", "description", "keywords", "license", "version", "languages"):
        assert arrived[key] == sent[key], key
    # All but the card's authors, which Croissant has no place for.
    assert arrived["data_card"] == {**sent["data_card"], "authors": []}
    [dist] = arrived["distributions"]
    [was] = sent["distributions"]
    for key in ("title", "download_url", "media_type", "format", "byte_size", "checksum_sha256"):
        assert dist[key] == was[key], key
    assert dist["schema"] == {
        "fields": [
            {"name": "district", "type": "string", "description": "District"},
            {"name": "date", "type": "date"},
            {"name": "beds_total", "type": "integer"},
            {"name": "beds_occupied", "type": "integer"},
        ],
        "primaryKey": ["district", "date"],
    }
    assert harvested.provenance["publisher"] == "Health Department, Karnataka"
    assert harvested.provenance["remote_url"] == document["url"]
    # Harvested, it is ML-ready again: every check holds on the copy too.
    assert harvested.ml_ready is original.ml_ready is True


def test_personal_data_sentences_come_back_as_the_card_said_them(
    client, catalogue_server, owner, institution
):
    original = publish(
        institution, access_rights="restricted", contains_personal_data=True, data_card=CARD
    )
    document = client.get(f"/api/v1/datasets/{original.pk}/croissant").json()
    job = harvest(owner, serve_json(catalogue_server, "/c.json", document))
    assert job.added == 1, job.errors
    card = dataset_snapshot(Dataset.objects.get(institution=owner))["data_card"]
    assert card["data_subjects"] == "personal-sensitive"
    assert card["sensitive_fields"] == CARD["sensitive_fields"]
    assert card["deidentification"] == CARD["deidentification"]
    assert Dataset.objects.get(institution=owner).access_rights == "restricted"


def test_real_croissant_documents_become_records(catalogue_server, owner):
    documents = [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.json"))
    ]
    job = harvest(owner, serve_json(catalogue_server, "/list.json", documents))
    assert job.status == "finished", job.error
    assert (job.added, job.failed) == (len(documents), 0), job.errors
    by_title = {d.title: d for d in Dataset.objects.filter(institution=owner)}
    squad = dataset_snapshot(by_title["squad_v2"])
    assert squad["license"] == "CC-BY-SA-4.0"  # from https://choosealicense.com/licenses/…
    assert squad["landing_page"] == "https://huggingface.co/datasets/rajpurkar/squad_v2"
    assert squad["distributions"][0]["access_url"].startswith("https://huggingface.co/")
    provenance = by_title["squad_v2"].provenance["source_fields"]
    assert "distribution (file sets, or files without an http(s) address)" in provenance
    assert "recordSet" in provenance  # the file sets' columns, kept as the source wrote them
    assert dataset_snapshot(by_title["mnist"])["license"] == "MIT"
    mri = dataset_snapshot(by_title["MRI head scan"])["distributions"]
    assert [d["format"] for d in mri] == ["ZIP"]
    dices = next(d for d in by_title.values() if "dices" in d.title.lower())
    card = dataset_snapshot(dices)["data_card"]
    assert card["collection_method"] and card["known_biases"]
    assert "rai:dataAnnotationProtocol" in dices.provenance["source_fields"]
    assert not by_title["data_provenance_initiative_filtered"].license


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"[1, 2, 3]", "not a Croissant"),
        (b'"a string"', "not a Croissant"),
        (b"{not json", "not valid JSON"),
        (b'{"@type": "sc:Dataset", "name": "x", "size": NaN}', "NaN is not valid JSON"),
    ],
)
def test_what_is_not_croissant_fails_the_job_with_a_reason(catalogue_server, owner, body, reason):
    url = catalogue_server.serve("/bad.json", body, "application/json")
    job = harvest(owner, url)
    assert job.status == "failed"
    assert reason in job.error
    assert not Dataset.objects.filter(institution=owner).exists()


def test_an_odd_record_fails_alone(catalogue_server, owner):
    documents = [
        {"@type": "sc:Dataset", "name": "Fine", "license": "CC0-1.0", "url": "https://x.example/a",
         "description": "A dataset described well enough to be published by the harvester.",
         "distribution": [{"@type": "cr:FileObject", "@id": "f", "contentUrl": "https://x.example/a.csv",
                           "encodingFormat": "text/csv", "contentSize": "1.5 kB"}]},
        {"@type": "sc:Dataset", "name": {"en": 12}, "distribution": "nope", "recordSet": [7],
         "rai:dataBiases": {"@value": ["x"]}, "rai:dataCollectionTimeFrame": ["yesterday"]},
    ]  # fmt: skip
    job = harvest(owner, serve_json(catalogue_server, "/odd.json", documents))
    assert job.status == "finished", job.error
    fine = Dataset.objects.get(institution=owner, title="Fine")
    assert fine.distributions.get().byte_size == 1500


def test_croissant_records_about_people_are_restricted_and_odd_fields_fail_alone(
    catalogue_server,
):
    """An outside probe's findings 5, 6 and 8 (each failed before its fix): people's records arrived open; a NUL in an unmapped field failed
    the whole job on PostgreSQL; an odd address refused the whole record; a frame with no
    start became one."""
    owner = make_institution(slug="national-2", name="National")
    documents = [
        {"@type": "sc:Dataset", "@id": "https://ex.org/p", "name": "People",
         "description": "Records about people.", "license": "CC-BY-4.0",
         "rai:personalSensitiveInformation": ["Data subjects: Personal data."]},
        {"@type": "sc:Dataset", "@id": "https://ex.org/n", "name": "Nul", "foo": "a\u0000b",
         "license": "CC-BY-4.0", "description": "Odd fields."},
        {"@type": "sc:Dataset", "@id": "https://ex.org/u", "name": "Odd file",
         "license": "CC-BY-4.0", "description": "One good file, one odd.",
         "rai:dataCollectionTimeFrame": [None, "2024-01-01"],
         "distribution": [
             {"@type": "cr:FileObject", "@id": "a", "contentUrl": "https://ex.org/a.csv"},
             {"@type": "cr:FileObject", "@id": "b", "contentUrl": "https://ex.org/b\u2028.csv"}]},
    ]  # fmt: skip
    url = serve_json(catalogue_server, "/c.json", documents)
    source = harvest_source_create(institution=owner, name="ML", kind="croissant", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.added, job.failed) == ("finished", 3, 0), job.errors
    people = Dataset.objects.get(institution=owner, title="People")
    assert (people.access_rights, people.contains_personal_data) == ("restricted", True)
    nul = Dataset.objects.get(institution=owner, title="Nul")
    assert nul.provenance["source_fields"]["foo"] == "ab"
    odd = Dataset.objects.get(institution=owner, title="Odd file")
    assert [d.access_url for d in odd.distributions.all()] == ["https://ex.org/a.csv"]
    assert "b\u2028" in json.dumps(odd.provenance["source_fields"], ensure_ascii=False)
    assert odd.data_card["collection_start"] is None


def test_a_relative_content_url_is_read_against_the_document(catalogue_server, owner):
    """The Croissant repository's Titanic names its file `data/titanic.csv`, relative to the
    metadata file: an outside check found it dropped, and the record with no distribution."""
    document = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "sc:Dataset",
        "name": "Titanic",
        "description": "The passengers of the Titanic, with who survived.",
        "url": "https://www.openml.org/d/40945",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": "passengers.csv",
                "contentUrl": "data/titanic.csv",
                "encodingFormat": "text/csv",
            }
        ],
    }
    url = serve_json(catalogue_server, "/titanic/metadata.json", document)
    job = harvest(owner, url)
    assert job.status == "finished", job.error
    (dist,) = Dataset.objects.get().distributions.all()
    assert dist.access_url == catalogue_server.url("/titanic/data/titanic.csv")


def test_a_file_inside_an_archive_is_no_download_of_its_own(catalogue_server, owner):
    """MovieLens's ratings.csv is `containedIn` its zip: its contentUrl is a path in the zip,
    which was read as an address next to the metadata (a dead link in every export)."""
    document = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "sc:Dataset",
        "name": "MovieLens 25M",
        "description": "Ratings of movies by their viewers, with tags.",
        "url": "https://grouplens.org/datasets/movielens/25m/",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": "ml-25m.zip",
                "contentUrl": "https://files.grouplens.org/datasets/movielens/ml-25m.zip",
                "encodingFormat": "application/zip",
            },
            {
                "@type": "cr:FileObject",
                "@id": "ratings.csv",
                "contentUrl": "ml-25m/ratings.csv",
                "containedIn": {"@id": "ml-25m.zip"},
                "encodingFormat": "text/csv",
            },
        ],
    }
    job = harvest(owner, serve_json(catalogue_server, "/ml/metadata.json", document))
    assert job.status == "finished", job.error
    urls = [d.access_url for d in Dataset.objects.get().distributions.all()]
    assert urls == ["https://files.grouplens.org/datasets/movielens/ml-25m.zip"]


def test_people_who_made_a_dataset_stay_people(catalogue_server, owner, client):
    """A review: a Croissant file's creators (people, often several) came back out as one
    organisation, named after the first, in Suchi's Croissant and in the page's schema.org."""
    import mlcroissant as mlc

    document = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "sc:Dataset",
        "name": "Bird calls",
        "description": "Recordings of bird calls in the Western Ghats, with species labels.",
        "url": "https://example.org/bird-calls",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator": [
            {"@type": "sc:Person", "name": "Asha Rao", "url": "https://example.org/~asha"},
            {"@type": "Person", "name": "Vikram Iyer", "url": "javascript:alert(1)"},
            {"@type": "sc:Organization", "name": "Ghats Sound Lab"},
            {"@type": "sc:Robot", "name": "not an agent"},
        ],
        "distribution": [
            {
                "@type": "cr:FileObject",
                "@id": "calls.csv",
                "contentUrl": "https://example.org/bird-calls/calls.csv",
                "encodingFormat": "text/csv",
                "sha256": "0" * 64,
            }
        ],
    }
    job = harvest(owner, serve_json(catalogue_server, "/birds/metadata.json", document))
    assert job.status == "finished", job.error
    run_queued_validations()
    dataset = Dataset.objects.get()
    assert (dataset.status, dataset.source_publisher) == ("published", "Asha Rao")
    said = [
        {"@type": "sc:Person", "name": "Asha Rao", "url": "https://example.org/~asha"},
        {"@type": "sc:Person", "name": "Vikram Iyer"},  # no javascript: link
        {"@type": "sc:Organization", "name": "Ghats Sound Lab"},
    ]
    response = client.get(f"/api/v1/datasets/{dataset.pk}/croissant")
    exported = json.loads(response.content)
    assert exported["creator"] == said
    read = mlc.Dataset(jsonld=exported)
    assert not read.metadata.ctx.issues.errors
    assert [c.name for c in read.metadata.creators] == [
        "Asha Rao",
        "Vikram Iyer",
        "Ghats Sound Lab",
    ]
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    schema = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert schema["creator"][0] == {
        "@type": "Person",
        "name": "Asha Rao",
        "url": "https://example.org/~asha",
    }


def test_datasets_of_one_list_that_share_a_landing_page_are_all_kept(catalogue_server, owner):
    """The Croissant repository's examples (simple-join, simple-split …) all give
    https://mlcommons.org as their url and no @id: served as one list, all but the first were
    refused as appearing twice. Their names tell them apart; a lone document keeps its url."""

    def example(name: str) -> dict:
        return {
            "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
            "@type": "sc:Dataset",
            "name": name,
            "description": f"The {name} example of the Croissant repository, for its tests.",
            "url": "https://mlcommons.org",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "distribution": [
                {
                    "@type": "cr:FileObject",
                    "@id": "data.csv",
                    "contentUrl": f"https://example.org/{name}/data.csv",
                    "encodingFormat": "text/csv",
                }
            ],
        }

    names = ["simple-join", "simple-split", "json-join"]
    job = harvest(owner, serve_json(catalogue_server, "/list.json", [example(n) for n in names]))
    assert job.status == "finished", job.error
    assert sorted(Dataset.objects.values_list("title", flat=True)) == sorted(names)
    job = harvest(owner, serve_json(catalogue_server, "/one.json", example("alone")))
    assert job.status == "finished", job.error
    assert Dataset.objects.get(title="alone").provenance["remote_id"] == "https://mlcommons.org"
