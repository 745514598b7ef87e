"""MLCommons Croissant 1.1 (JSON-LD) for a published dataset, export only: what an ML loader
(mlcroissant, TFDS, Hugging Face) needs to find a dataset's files and read its tables.

Every distribution is a `cr:FileObject`; each distribution with a Frictionless Table Schema also
gets a `cr:RecordSet`, one `cr:Field` per column. The data stays at the institutions, which may
change a file at any time, so a dataset is `isLiveDataset` (Croissant then does not demand a
checksum) unless every file carries a SHA-256. A restricted or consent-gated dataset's files are
not downloadable: their `contentUrl` is the dataset's page, which states the conditions of
access, and the conditions are in `conditionsOfAccess` too. docs/croissant.md documents it.
"""

import copy
import re

from registry import datacard, vocabularies
from registry.models import Dataset, DataSubjects, Distribution, SensitiveCategory

from ... import iris
from .. import dates
from ..schemaorg import coverage, creators

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
MEDIA_TYPE = f'application/ld+json; profile="{CONFORMS_TO}"'
# The context of Croissant 1.1 (its specification's appendix 1), embedded so that nothing is
# fetched, with https for schema.org as mlcroissant writes it (schema.org's canonical form),
# and the 1.1 language maps for name and description that mlcroissant's own context declares.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "annotation": "cr:annotation",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "excludes": "cr:excludes",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "readLines": "cr:readLines",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "unArchive": "cr:unArchive",
    "value": "cr:value",
    "repeated": "cr:repeated",
}
# Frictionless Table Schema field types → Croissant data types. What is not here (object,
# array, duration, geopoint, geojson, yearmonth, any) is read as text, with a note saying so.
DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
    "time": "sc:Time",
    "year": "sc:Integer",
}
ACCESS_CONDITIONS = {
    Dataset.Access.RESTRICTED: "Restricted: the files are not downloadable; the institution "
    "shares them on request, under a signed data-use agreement. Request access on the "
    "dataset's page, or with POST /api/v1/access-requests (a token with scope access:request).",
    Dataset.Access.CONSENT: "Per citizen, under consent: the records are released only to an "
    "institution holding the citizen's consent, through Suchi's consent manager.",
}
FALLBACK_MEDIA_TYPE = "application/octet-stream"


def dataset_document(base: str, dataset: Dataset) -> dict:
    """The Croissant JSON-LD of a published dataset. Reads prefetched distributions and the
    institution; runs no query of its own once they are loaded."""
    page = iris.dataset(base, dataset.pk)
    downloadable = dataset.access_rights == Dataset.Access.OPEN
    distributions = sorted(dataset.distributions.all(), key=lambda d: (d.position, str(d.pk)))
    files = [_file_object(base, page, d, downloadable) for d in distributions]
    doc = {
        "@context": copy.deepcopy(CONTEXT),  # a reader may change it (mlcroissant adds @base)
        "@type": "sc:Dataset",
        "@id": page,
        "conformsTo": CONFORMS_TO,
        "name": dataset.title,
        "description": dataset.description,
        "url": page,
        "identifier": str(dataset.pk),
        "isLiveDataset": not files or not all("sha256" in f for f in files),
        "creator": creators(base, dataset, prefix="sc:"),
        "publisher": _organization(base, dataset),
        "keywords": list(dataset.keywords),
        "citeAs": citation(base, dataset),
        "distribution": files,
    }
    licence = licence_url(dataset)
    if licence:
        doc["license"] = licence
    elif dataset.license_text:
        doc["license"] = dataset.license_text
    if dataset.access_rights in ACCESS_CONDITIONS:
        doc["conditionsOfAccess"] = ACCESS_CONDITIONS[dataset.access_rights]
    # What the licence lets a re-user do when training a model (Suchi's reading); consent
    # records are released per person under an artefact, not a licence.
    if dataset.access_rights != Dataset.Access.CONSENT:
        doc["usageInfo"] = (
            "AI training: " + vocabularies.ai_training(dataset.license)["label"] + " (Suchi's "
            "reading of the licence, not legal advice)."
        )
    if issued := dates.issued(dataset):
        doc["datePublished"] = issued
    doc["dateModified"] = dates.modified(dataset)
    if dataset.version:
        doc["version"] = dataset.version
    if dataset.languages:
        doc["inLanguage"] = list(dataset.languages)
    doc.update(coverage(dataset))  # the period and places, as the page's schema.org says
    doc.update(rai_properties(dataset.data_card))
    records = [_record_set(d) for d in distributions if _fields_of(d)]
    if records:
        doc["recordSet"] = records
    return doc


def _said(*texts: str) -> list[str]:
    return [text for text in texts if text]


def rai_properties(stored: dict) -> dict:
    """The data card as Croissant RAI properties (mlcroissant's names; only what is said).
    Whom the records are about, the flagged columns and the de-identification all go to
    rai:personalSensitiveInformation, each as a sentence."""
    card = datacard.card_of(stored)
    subjects = card["data_subjects"]
    sensitive = _said(
        f"Data subjects: {DataSubjects(subjects).label}." if subjects else "",
        *(
            f"Column {item['column']}: {SensitiveCategory(item['category']).label}"
            + (f" ({item['note']})" if item["note"] else "")
            + "."
            for item in card["sensitive_fields"]
        ),
        f"De-identification: {card['deidentification']}" if card["deidentification"] else "",
    )
    uses = _said(
        card["intended_uses"],
        f"Not suited for: {card['out_of_scope_uses']}" if card["out_of_scope_uses"] else "",
    )
    lists = {
        "rai:dataUseCases": uses,
        "rai:dataBiases": _said(card["known_biases"]),
        "rai:dataLimitations": _said(card["limitations"]),
        "rai:dataPreprocessingProtocol": _said(card["preprocessing"]),
        "rai:personalSensitiveInformation": sensitive,
        "rai:dataCollectionTimeFrame": _said(card["collection_start"], card["collection_end"])
        if card["collection_start"]
        else [],
    }
    texts = {
        "abstract": card["summary"],  # schema.org: the card's summary has no RAI property
        "rai:dataCollection": card["collection_method"],
        "rai:dataSocialImpact": card["social_impact"],
        "rai:dataReleaseMaintenancePlan": card["maintenance_plan"],
    }
    found = {key: value for key, value in {**lists, **texts}.items() if value}
    if subjects == DataSubjects.SYNTHETIC:
        found["rai:hasSyntheticData"] = True
    return found


def licence_url(dataset: Dataset) -> str:
    """The licence's URL when Suchi knows the licence, else ""."""
    known = vocabularies.licences().get(dataset.license) if dataset.license else None
    return known.url if known and known.url else ""


def citation(base: str, dataset: Dataset) -> str:
    """A plain-text citation: "Institution (year). Title. Version v. URL"."""
    when = dataset.published_at or dataset.modified_at
    version = f" Version {dataset.version}." if dataset.version else ""
    return (
        f"{dataset.institution.name} ({when.year}). {dataset.title}.{version} "
        f"{iris.dataset(base, dataset.pk)}"
    )


def _organization(base: str, dataset: Dataset) -> dict:
    """The institution; for a harvested dataset, the publisher its source names."""
    if dataset.source_publisher:
        return {"@type": "sc:Organization", "name": dataset.source_publisher}
    institution = dataset.institution
    return {
        "@type": "sc:Organization",
        "name": institution.name,
        "url": iris.institution(base, institution.slug),
    }


def file_id(dist: Distribution) -> str:
    """A distribution's FileObject @id, which its record set's fields refer to."""
    return f"file-{dist.pk}"


def _file_object(base: str, page: str, dist: Distribution, downloadable: bool) -> dict:
    node = {
        "@type": "cr:FileObject",
        "@id": file_id(dist),
        "name": dist.title or dist.format or file_id(dist),
        "sameAs": iris.distribution(base, dist.pk),
    }
    if dist.description:
        node["description"] = dist.description
    if downloadable:
        node["contentUrl"] = dist.download_url or dist.access_url
        node["encodingFormat"] = dist.media_type or FALLBACK_MEDIA_TYPE
    else:
        # Croissant requires a contentUrl: the page that says how access is granted.
        node["contentUrl"] = page
        node["encodingFormat"] = "text/html"
        node["description"] = " ".join(
            filter(None, [dist.description, "Not downloadable: see the dataset's page."])
        )
    if dist.byte_size is not None:
        node["contentSize"] = f"{dist.byte_size} B"
    if dist.checksum_sha256:
        node["sha256"] = dist.checksum_sha256
    return node


def _fields_of(dist: Distribution) -> list[dict]:
    schema = dist.schema if isinstance(dist.schema, dict) else {}
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def _record_set(dist: Distribution) -> dict:
    record_id = f"records-{dist.pk}"
    source = {"@id": file_id(dist)}
    ids: dict[str, str] = {}  # column name → its field's @id (the first, if a name repeats)
    fields, taken = [], set()
    for column in _fields_of(dist):
        field_id = _unique(f"{record_id}/{_UNSAFE_IN_ID.sub('_', column['name'])}", taken)
        taken.add(field_id)
        ids.setdefault(column["name"], field_id)
        fields.append(_field(field_id, source, column))
    node = {
        "@type": "cr:RecordSet",
        "@id": record_id,
        "name": dist.title or record_id,
        "field": fields,
    }
    key = dist.schema.get("primaryKey")
    keys = [key] if isinstance(key, str) else key if isinstance(key, list) else []
    if keys and all(isinstance(k, str) and k in ids for k in keys):
        refs = [{"@id": ids[k]} for k in keys]
        node["key"] = refs[0] if len(refs) == 1 else refs
    return node


# mlcroissant refuses an @id with whitespace (escaped or not); / and # would change its path.
_UNSAFE_IN_ID = re.compile(r"[\s/#?%]")


def _unique(candidate: str, taken: set[str]) -> str:
    found, n = candidate, 1
    while found in taken:
        n += 1
        found = f"{candidate}-{n}"
    return found


def _field(field_id: str, source: dict, column: dict) -> dict:
    name = column["name"]
    kind = column.get("type") or "string"
    data_type = DATA_TYPES.get(kind) if isinstance(kind, str) else None
    if kind == "string" and column.get("format") == "uri":
        data_type = "sc:URL"
    notes = [column[k] for k in ("title", "description") if isinstance(column.get(k), str)]
    if data_type is None:
        data_type = "sc:Text"
        notes.append(f"Table Schema type {kind!s:.40} has no Croissant data type: read as text.")
    node = {
        "@type": "cr:Field",
        "@id": field_id,
        "name": name,
        "dataType": data_type,
        "source": {"fileObject": source, "extract": {"column": name}},
    }
    if notes:
        node["description"] = " ".join(notes)
    return node
