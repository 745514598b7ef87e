"""Interoperable readings of a consent artefact: a ReBIT Account Aggregator `ConsentDetail`
and an ABDM consent artefact (`consent` of the consent-artefact fetch), each signed as a
compact JWS with the consent keys over the RFC 8785 canonical JSON of the profile document.

Both are built from the artefact's signed `claims` (what the citizen granted), its status and
its datasets; nothing is stored. Where a profile needs a value Suchi does not hold (ReBIT
`consentTypes`, `fiTypes`, `Accounts[].accType`; ABDM `hiTypes`), it is derived from a small
vocabulary below. docs/consent.md ("Artefact profiles: ReBIT AA and ABDM") has the
field-by-field tables; tests/fixtures/profiles/ the JSON Schemas they are checked against.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import rfc8785

from core.errors import Conflict, ServiceError

from .keys import key_publish, sign_compact, sign_detached
from .models import ConsentArtefact
from .services.terms import period_after
from .vocabulary import FI_TYPES

PROFILES = ("rebit", "abdm")
TYP = {"rebit": "rebit-consent+jws", "abdm": "abdm-consent+jws"}
ABDM_SCHEMA_VERSION = "suchi.abdm-consent/1"

# ReBIT FIType values, keyed on words of a dataset's title or keywords (first match wins) and
# then on its DCAT-AP theme; a dataset matching nothing is OTHER.
FI_TYPE_WORDS = (
    ("term deposit", "TERM_DEPOSIT"),
    ("fixed deposit", "TERM_DEPOSIT"),
    ("recurring deposit", "RECURRING_DEPOSIT"),
    ("credit card", "CREDIT_CARD"),
    ("mutual fund", "MUTUAL_FUNDS"),
    ("pension", "NPS"),
    ("provident fund", "EPF"),
    ("insurance", "INSURANCE_POLICIES"),
    ("gst", "GSTR1_3B"),
    ("equit", "EQUITIES"),
    ("bond", "BONDS"),
    ("deposit", "DEPOSIT"),
    ("account", "DEPOSIT"),
    ("bank", "DEPOSIT"),
)
FI_TYPE_THEMES = {"ECON": "DEPOSIT"}

# ABDM HI types, likewise; a health dataset matching no word is a HealthDocumentRecord.
HI_TYPE_WORDS = (
    ("discharge", "DischargeSummary"),
    ("prescription", "Prescription"),
    ("diagnostic", "DiagnosticReport"),
    ("laboratory", "DiagnosticReport"),
    ("lab report", "DiagnosticReport"),
    ("radiology", "DiagnosticReport"),
    ("immuni", "ImmunizationRecord"),
    ("vaccin", "ImmunizationRecord"),
    ("consultation", "OPConsultation"),
    ("outpatient", "OPConsultation"),
    ("wellness", "WellnessRecord"),
    ("invoice", "Invoice"),
    ("bill", "Invoice"),
)
DEFAULT_HI_TYPE = "HealthDocumentRecord"

# Suchi's units (consent.models.UNITS) to ReBIT's: DataLife knows DAY, MONTH, YEAR, INF and
# Frequency HOUR, DAY, MONTH, YEAR, INF; a week is 7 days, an hour of data life one day.
REBIT_DATA_LIFE = {"hour": ("DAY", 0), "day": ("DAY", 1), "week": ("DAY", 7)}
REBIT_FREQUENCY = {"week": ("DAY", 7)}
ABDM_STATUS = {
    ConsentArtefact.Status.ACTIVE: "GRANTED",
    ConsentArtefact.Status.REVOKED: "REVOKED",
    ConsentArtefact.Status.EXPIRED: "EXPIRED",
}


@dataclass(frozen=True)
class SignedProfile:
    profile: str
    document: dict
    signature: str


def profile_param(value: str | None) -> str | None:
    """The `profile` query parameter, checked: None (Suchi's own artefact) or a known name."""
    if value is None or value == "":
        return None
    if value not in PROFILES:
        raise ServiceError(f"Unknown profile; use one of {', '.join(PROFILES)}.", field="profile")
    return value


def profile_sign(artefact: ConsentArtefact, profile: str) -> SignedProfile:
    """The artefact read as `profile`, with a compact JWS over the document's canonical JSON."""
    datasets = list(artefact.datasets.all())
    if profile == "rebit":
        document = rebit_consent_detail(artefact.claims, datasets)
    else:
        document = abdm_consent_artefact(artefact.claims, datasets, status=artefact.status)
    signature, kid = sign_compact(rfc8785.dumps(document), typ=TYP[profile])
    key_publish(kid)
    return SignedProfile(profile=profile, document=document, signature=signature)


# --- ReBIT Account Aggregator ----------------------------------------------------------------
# Long: one line per member of the ReBIT ConsentDetail, in the spec's order.
def rebit_consent_detail(claims: dict, datasets) -> dict:
    """A ReBIT AA `ConsentDetail` (as signed in an AA consent artefact) for these claims."""
    by_id = {str(d.pk): d for d in datasets}
    dataset_claims = claims["datasets"]
    periodic = claims["fetch_type"] == "periodic"
    derived = [fi_type(by_id.get(d["id"]), d["title"]) for d in dataset_claims]
    stated = claims.get("fi_types") or []
    linked = claims.get("accounts") or []
    if linked:  # the accounts the citizen linked and granted, by the provider's references
        kinds = [a["type"] if a["type"] in FI_TYPES else (stated or derived)[0] for a in linked]
        accounts = [
            _rebit_account(claims, kind, a["link_reference"], a["masked_reference"])
            for a, kind in zip(linked, kinds, strict=True)
        ]
    else:  # no linked accounts: each dataset stands for the citizen's records in it
        kinds = derived
        accounts = [
            _rebit_account(claims, kind, d["id"], _masked(d["id"]))
            for d, kind in zip(dataset_claims, kinds, strict=True)
        ]
    detail = {
        "consentStart": _instant(claims["valid_from"]),
        "consentExpiry": _instant(claims["valid_until"]),
        "consentMode": claims["access_mode"].upper(),
        "fetchType": claims["fetch_type"].upper(),
        "consentTypes": claims.get("consent_types") or consent_types(claims["access_mode"]),
        "fiTypes": sorted(set(stated or kinds)),
        "DataConsumer": {"id": claims["consumer"]["id"], "type": "FIU"},
        "DataProvider": {"id": claims["provider"]["id"], "type": "FIP"},
        "Customer": {"id": claims["citizen"]},
        "Accounts": accounts,
        "Purpose": {
            "code": claims["purpose"]["code"],
            "refUri": claims["purpose"]["dpv"],
            "text": claims["purpose"]["text"],
            "Category": {"type": _dpv_concept(claims["purpose"]["dpv"])},
        },
        "FIDataRange": _range(claims["data_range"]),
        "DataLife": _rebit_period(claims["data_life"], REBIT_DATA_LIFE),
        "Frequency": (
            _rebit_period(claims["frequency"], REBIT_FREQUENCY)
            if periodic
            else {"unit": "DAY", "value": 1}
        ),
    }
    if claims.get("data_filters"):
        detail["DataFilter"] = claims["data_filters"]
    return detail


def _rebit_account(claims: dict, kind: str, link_reference: str, masked: str) -> dict:
    return {
        "fiType": kind,
        "fipId": claims["provider"]["id"],
        "accType": "DEFAULT",
        "linkRefNumber": link_reference,
        "maskedAccNumber": masked,
    }


def consent_types(access_mode: str) -> list[str]:
    """What kinds of information the consent covers. Suchi releases a dataset's records about
    the citizen (TRANSACTIONS, with their SUMMARY), never the citizen's PROFILE (the artefact
    names them by handle only); a `query` consent answers questions, so SUMMARY alone."""
    return ["SUMMARY"] if access_mode == "query" else ["SUMMARY", "TRANSACTIONS"]


def fi_type(dataset, title: str) -> str:
    """The ReBIT FIType of a dataset (by its title and keywords, then its themes)."""
    found = _match(FI_TYPE_WORDS, _words(dataset, title))
    if found:
        return found
    for theme in getattr(dataset, "themes", None) or []:
        if theme in FI_TYPE_THEMES:
            return FI_TYPE_THEMES[theme]
    return "OTHER"


def _rebit_period(period: dict, convert: dict) -> dict:
    unit, factor = convert.get(period["unit"], (period["unit"].upper(), 1))
    value = period["value"] * factor if factor else max(1, -(-period["value"] // 24))
    return {"unit": unit, "value": value}


def _masked(dataset_id: str) -> str:
    return "X" * 8 + dataset_id.replace("-", "")[-4:].upper()


# --- ABDM ------------------------------------------------------------------------------------
# Long: one line per member of the ABDM consentDetail, in the spec's order.
def abdm_consent_artefact(claims: dict, datasets, *, status: str) -> dict:
    """An ABDM consent artefact (`{consentDetail, signature, status}`) for these claims.
    `signature` is a detached JWS over the canonical JSON of `consentDetail` (the consent
    manager's signature of the spec); the whole document is signed again by the caller."""
    if status not in ABDM_STATUS:
        raise Conflict(
            f"This consent is {status}; ABDM has no such consent status. Ask again when it "
            "is active, or read it without a profile.",
            field="status",
        )
    by_id = {str(d.pk): d for d in datasets}
    periodic = claims["fetch_type"] == "periodic"
    frequency = claims["frequency"] if periodic else {"unit": "day", "value": 1}
    detail = {
        "schemaVersion": ABDM_SCHEMA_VERSION,
        "consentId": claims["id"],
        "createdAt": _instant(claims["valid_from"]),
        "purpose": {
            "text": claims["purpose"]["text"],
            "code": claims["purpose"]["code"],
            "refUri": claims["purpose"]["dpv"],
        },
        "patient": {"id": claims["citizen"]},
        "consentManager": {"id": claims["consent_manager"]},
        "hip": {"id": claims["provider"]["id"], "name": claims["provider"]["name"]},
        "hiu": {"id": claims["consumer"]["id"], "name": claims["consumer"]["name"]},
        "requester": {
            "name": claims["consumer"]["name"],
            "identifier": {
                "type": "SUCHI_INSTITUTION",
                "value": claims["consumer"]["id"],
                "system": claims["consent_manager"],
            },
        },
        "hiTypes": sorted(
            set(claims.get("hi_types") or [])
            or {hi_type(by_id.get(d["id"]), d["title"]) for d in claims["datasets"]}
        ),
        "permission": {
            "accessMode": claims["access_mode"].upper(),
            "dateRange": _range(claims["data_range"]),
            "dataEraseAt": _instant(_erase_at(claims["valid_until"], claims["data_life"])),
            "frequency": {
                "unit": frequency["unit"].upper(),
                "value": frequency["value"],
                "repeats": 0,
            },
        },
        "careContexts": [  # the linked records granted, or else each dataset's records
            {"patientReference": claims["citizen"], "careContextReference": reference}
            for reference in (
                [a["link_reference"] for a in claims.get("accounts") or []]
                or [d["id"] for d in claims["datasets"]]
            )
        ],
    }
    signature = sign_detached(rfc8785.dumps(detail), typ=TYP["abdm"])
    return {"consentDetail": detail, "signature": signature, "status": ABDM_STATUS[status]}


def hi_type(dataset, title: str) -> str:
    """The ABDM HI type of a dataset (by its title and keywords)."""
    return _match(HI_TYPE_WORDS, _words(dataset, title)) or DEFAULT_HI_TYPE


def _erase_at(valid_until: str, data_life: dict) -> str:
    """When the consumer must have erased what it received: data life after the last day the
    consent allows a fetch (`valid_until`)."""
    return _z(period_after(_parse(valid_until), data_life["unit"], data_life["value"]))


# --- Shared ----------------------------------------------------------------------------------
def _words(dataset, title: str) -> str:
    keywords = getattr(dataset, "keywords", None) or []
    return " ".join([title, *[str(k) for k in keywords]]).lower()


def _match(vocabulary, text: str) -> str | None:
    """The value of the first word of `vocabulary` that starts a word of `text`."""
    return next(
        (value for word, value in vocabulary if re.search(rf"\b{re.escape(word)}", text)), None
    )


def _range(data_range: dict) -> dict:
    """A range of dates as the instants both specs use: the first day's start to the last
    day's end, in UTC."""
    first = date.fromisoformat(data_range["from"])
    last = date.fromisoformat(data_range["to"])
    return {
        "from": f"{first.isoformat()}T00:00:00.000Z",
        "to": f"{last.isoformat()}T23:59:59.999Z",
    }


def _dpv_concept(iri: str) -> str:
    """The local name of a DPV concept (`https://w3id.org/dpv#ServiceProvision`)."""
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _parse(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(UTC)


def _z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _instant(instant: str) -> str:
    """An instant with milliseconds and a `Z`, as the specs' examples write them."""
    value = _parse(instant)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
