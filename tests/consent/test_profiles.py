"""An artefact read as a ReBIT AA ConsentDetail or an ABDM consent artefact: each document fits
a JSON Schema written from the published specification (tests/fixtures/profiles/), and its
signature verifies with jwcrypto against the JWKS over exactly the document's canonical JSON."""

import base64
import json
from pathlib import Path

import pytest
import rfc8785
from jsonschema import Draft202012Validator
from jwcrypto import jwk, jws

from consent.profiles import fi_type, hi_type

from ..factories import consent_request_payload, publish_consent_dataset
from .test_api_providers import jwcrypto_verify

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
SCHEMA_FILES = {
    "rebit": "rebit-consent-detail.schema.json",
    "abdm": "abdm-consent-artefact.schema.json",
}


def validator(profile: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / SCHEMA_FILES[profile]).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def read(party, artefact_id, profile):
    return party.api.get(f"/api/v1/consent-artefacts/{artefact_id}?profile={profile}")


def verified_payload(signature: str, jwks_json: dict) -> tuple[bytes, dict]:
    keys = jwk.JWKSet.from_json(json.dumps(jwks_json))
    parsed = jws.JWS()
    parsed.deserialize(signature)
    parsed.verify(keys.get_key(parsed.jose_header["kid"]), alg="EdDSA")
    return parsed.payload, parsed.jose_header


@pytest.mark.parametrize("profile", ["rebit", "abdm"])
def test_profile_fits_its_schema_and_its_signature_covers_exactly_the_document(
    granted, consumer, provider, client_anon, profile
):
    jwks_json = client_anon.get("/.well-known/jwks.json").json()
    for party in (consumer, provider):
        response = read(party, granted["id"], profile)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"profile", "document", "signature"}
        assert body["profile"] == profile
        errors = [e.message for e in validator(profile).iter_errors(body["document"])]
        assert errors == []
        payload, header = verified_payload(body["signature"], jwks_json)
        assert payload == rfc8785.dumps(body["document"])
        assert header["typ"] == f"{profile}-consent+jws"


def test_rebit_maps_the_granted_terms(granted, consumer):
    document = read(consumer, granted["id"], "rebit").json()["document"]
    claims = granted["claims"]
    assert document["consentMode"] == "VIEW"
    assert document["fetchType"] == "ONETIME"
    assert document["DataConsumer"] == {"id": "suraksha", "type": "FIU"}
    assert document["DataProvider"] == {"id": "ka-health", "type": "FIP"}
    assert document["Customer"] == {"id": "asha@suchi"}
    assert document["Purpose"]["code"] == "INSCLM"
    assert document["Purpose"]["text"] == claims["purpose"]["text"]
    assert document["Purpose"]["refUri"] == claims["purpose"]["dpv"]
    assert document["FIDataRange"] == {
        "from": "2026-03-01T00:00:00.000Z",
        "to": "2026-03-31T23:59:59.999Z",
    }
    assert document["DataLife"] == {"unit": "MONTH", "value": 6}
    assert document["consentTypes"] == ["SUMMARY", "TRANSACTIONS"]
    (account,) = document["Accounts"]
    assert account["linkRefNumber"] == claims["datasets"][0]["id"]
    assert account["fipId"] == "ka-health"
    assert document["consentStart"].startswith(claims["valid_from"][:19])
    assert document["consentExpiry"].startswith(claims["valid_until"][:19])


def test_abdm_maps_the_granted_terms_and_signs_the_consent_detail(granted, provider, client_anon):
    body = read(provider, granted["id"], "abdm").json()
    document, claims = body["document"], granted["claims"]
    detail = document["consentDetail"]
    assert document["status"] == "GRANTED"
    assert detail["consentId"] == granted["id"]
    assert detail["patient"] == {"id": "asha@suchi"}
    assert detail["hip"]["id"] == "ka-health"
    assert detail["hiu"]["id"] == "suraksha"
    assert detail["hiTypes"] == ["DischargeSummary"]  # the dataset is "Discharge summaries"
    assert detail["permission"]["accessMode"] == "VIEW"
    assert detail["permission"]["dataEraseAt"] > claims["valid_until"][:19]
    assert detail["careContexts"] == [
        {"patientReference": "asha@suchi", "careContextReference": claims["datasets"][0]["id"]}
    ]
    # `signature` inside the document: a detached JWS over the consentDetail alone.
    header, _, signature = document["signature"].split(".")
    payload = base64.urlsafe_b64encode(rfc8785.dumps(detail)).rstrip(b"=").decode()
    verified, _ = verified_payload(
        f"{header}.{payload}.{signature}", client_anon.get("/.well-known/jwks.json").json()
    )
    assert verified == rfc8785.dumps(detail)


def test_abdm_follows_the_citizens_decisions(granted, consumer, asha_api):
    url = f"/api/v1/me/consent-artefacts/{granted['id']}"
    assert asha_api.post(f"{url}/pause").status_code == 200
    response = read(consumer, granted["id"], "abdm")
    assert response.status_code == 409
    assert "status" in response.json()["errors"]
    assert read(consumer, granted["id"], "rebit").status_code == 200
    assert asha_api.post(f"{url}/revoke").status_code == 200
    assert read(consumer, granted["id"], "abdm").json()["document"]["status"] == "REVOKED"


def test_periodic_terms_map_to_each_profiles_units(consumer, asha_api, provider):
    records = publish_consent_dataset(
        provider.institution, title="Immunisation register", keywords=["vaccination"]
    )
    payload = consent_request_payload(
        "asha@suchi",
        [records],
        access_mode="store",
        fetch_type="periodic",
        frequency={"unit": "week", "value": 2},
        data_life={"unit": "week", "value": 1},
    )
    response = consumer.api.post("/api/v1/consent-requests", payload, format="json")
    assert response.status_code == 201, response.content
    granted = asha_api.post(
        f"/api/v1/me/consent-requests/{response.json()['id']}/grant", {}, format="json"
    )
    assert granted.status_code == 200, granted.content
    (artefact,) = granted.json()
    rebit = read(consumer, artefact["id"], "rebit").json()["document"]
    abdm = read(consumer, artefact["id"], "abdm").json()["document"]
    assert validator("rebit").is_valid(rebit) and validator("abdm").is_valid(abdm)
    assert rebit["fetchType"] == "PERIODIC"
    assert rebit["Frequency"] == {"unit": "DAY", "value": 14}
    assert rebit["DataLife"] == {"unit": "DAY", "value": 7}
    frequency = abdm["consentDetail"]["permission"]["frequency"]
    assert frequency == {"unit": "WEEK", "value": 2, "repeats": 0}
    assert abdm["consentDetail"]["hiTypes"] == ["ImmunizationRecord"]


def test_unknown_profile_is_a_400_naming_profile(granted, consumer):
    response = read(consumer, granted["id"], "fhir")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["profile"]
    assert "rebit" in body["detail"] and "abdm" in body["detail"]


@pytest.mark.parametrize("profile", ["rebit", "abdm", ""])
def test_a_third_party_gets_404(granted, provider_b, profile):
    assert read(provider_b, granted["id"], profile).status_code == 404


def test_without_profile_the_artefact_is_unchanged(granted, consumer, client_anon):
    body = consumer.api.get(f"/api/v1/consent-artefacts/{granted['id']}").json()
    assert "profile" not in body
    assert (
        jwcrypto_verify(body["jws"], client_anon.get("/.well-known/jwks.json").json())
        == (body["claims"])
    )


def read_mine(citizen_api, artefact_id, profile):
    return citizen_api.get(f"/api/v1/me/consent-artefacts/{artefact_id}?profile={profile}")


@pytest.mark.parametrize("profile", ["rebit", "abdm"])
def test_the_citizen_reads_their_consent_in_each_profile_as_its_parties_do(
    granted, asha_api, consumer, client_anon, profile
):
    response = read_mine(asha_api, granted["id"], profile)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"profile", "document", "signature"}
    assert body["profile"] == profile
    assert [e.message for e in validator(profile).iter_errors(body["document"])] == []
    payload, header = verified_payload(
        body["signature"], client_anon.get("/.well-known/jwks.json").json()
    )
    assert payload == rfc8785.dumps(body["document"])
    assert header["typ"] == f"{profile}-consent+jws"
    assert body["document"] == read(consumer, granted["id"], profile).json()["document"]


def test_the_citizen_asking_for_an_unknown_profile_gets_a_400_naming_profile(granted, asha_api):
    response = read_mine(asha_api, granted["id"], "fhir")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["profile"]


@pytest.mark.parametrize("profile", ["rebit", "abdm", ""])
def test_another_citizens_consent_is_404_in_every_profile(granted, ravi_api, profile):
    assert read_mine(ravi_api, granted["id"], profile).status_code == 404


@pytest.mark.parametrize(
    "title,keywords,fi,hi",
    [
        ("Savings account statements", [], "DEPOSIT", "HealthDocumentRecord"),
        ("Fixed deposit receipts", [], "TERM_DEPOSIT", "HealthDocumentRecord"),
        ("Outpatient visits", [], "OTHER", "OPConsultation"),
        ("Hospital records", ["prescription"], "OTHER", "Prescription"),
        ("Longstanding ledgers", ["billing"], "OTHER", "Invoice"),  # "gst" starts no word
    ],
)
def test_vocabularies(title, keywords, fi, hi):
    class Dataset:
        themes: list = []

    dataset = Dataset()
    dataset.keywords = keywords
    assert fi_type(dataset, title) == fi
    assert hi_type(dataset, title) == hi
