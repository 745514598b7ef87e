"""Croissant (1.0 and 1.1) JSON-LD read into Suchi's dataset payload, for the harvester: what
Hugging Face, Kaggle, OpenML, Zenodo or another Suchi publish for ML tools becomes a catalogue
record. Read as plain JSON with the property names Croissant's own context defines (its
documents are generated with that context; nothing is fetched, nothing is expanded).

Mapped: name, description, keywords, licence, url, version, languages, dates; every
`cr:FileObject` with an http(s) `contentUrl` as a distribution (encodingFormat, contentSize,
sha256); each record set's fields as the Table Schema of the file they extract from; the RAI
properties as the data card (the inverse of export.rai_properties). Kept aside in the
provenance: file sets, citation, and every other property.
"""

import json
import re
from urllib.parse import urljoin, urlsplit

from rest_framework import serializers

from core.api.serializers import HttpUrlField
from core.links import http_url
from registry import datacard
from registry.models import DataSubjects, SensitiveCategory

from ..common import (
    RemoteRecord,
    bounded_fields,
    description,
    distribution,
    format_of,
    iso_date,
    keywords,
    language_code,
    temporal_range,
    text,
)
from ..dates import source_date
from ..licences import licence_fields
from ..schemaorg import said_agents
from .export import DATA_TYPES

# Croissant data types → Table Schema types (the inverse of export.DATA_TYPES; text wins).
TABLE_TYPES = {
    **{data_type.removeprefix("sc:"): kind for kind, data_type in DATA_TYPES.items()},
    "Integer": "integer",
    "Text": "string",
    "URL": "string",
    "Float": "number",
    "Number": "number",
}
_MAPPED = {
    "@context",
    "@type",
    "@id",
    "name",
    "description",
    "keywords",
    "license",
    "url",
    "version",
    "inLanguage",
    "temporalCoverage",
    "abstract",
    "distribution",
    "creator",
    "publisher",
    "conditionsOfAccess",
    "conformsTo",
}
_SIZE = re.compile(r"^(\d{1,30}(?:\.\d{1,30})?) ?([kmgtp]?i?b|bytes?)?$", re.I)
_UNITS = {"": 1, "b": 1, "byte": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9}
_UNITS |= {"tb": 10**12, "pb": 10**15, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


_NODE_KEYS = ("name", "termCode", "url", "@id")


def _one(value) -> str:
    """A plain string from a string, a language map ({"en": …}), a {"@value"} or a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((s for s in map(_one, value) if s), "")
    if isinstance(value, dict):
        if "@value" in value:
            return _one(value["@value"])
        if any(key.startswith("@") or key in _NODE_KEYS for key in value):
            # A node (a DefinedTerm keyword, a CreativeWork licence): its name, else its address;
            # never its @type.
            return next((s for s in map(_one, map(value.get, _NODE_KEYS)) if s), "")
        return _one(value.get("en") or next(iter(value.values()), ""))  # a language map
    return ""


def _many(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [s.strip() for s in map(_one, items) if s and s.strip()]


def _name_of(agent) -> str:
    agents = agent if isinstance(agent, list) else [agent]
    for item in agents:
        if isinstance(item, dict) and _one(item.get("name")):
            return _one(item.get("name"))
        if isinstance(item, str):
            return item
    return ""


def byte_size(value) -> int | None:
    """ "1.2 MB", "1234 B", "1234": bytes; None for anything else."""
    text = str(value).strip() if isinstance(value, int | str) else ""
    match = _SIZE.match(text) if len(text) <= 64 else None
    if not match:
        return None
    unit = (match.group(2) or "").lower()
    factor = _UNITS.get(unit)
    size = float(match.group(1)) * factor if factor else None
    return int(size) if size is not None and size < 2**63 else None


def _acceptable(url: str) -> bool:
    """Whether the dataset payload takes the address (the harvester validates with it)."""
    try:
        HttpUrlField().run_validation(url)
    except serializers.ValidationError:
        return False
    return True


def _id(node) -> str:
    return node.get("@id") or _one(node.get("name")) if isinstance(node, dict) else ""


def _schemas(record_sets) -> dict[str, dict]:
    """A Table Schema per file, from the record sets' fields that extract a column of it."""
    schemas: dict[str, dict] = {}
    for record_set in record_sets if isinstance(record_sets, list) else []:
        fields = record_set.get("field") if isinstance(record_set, dict) else None
        names: dict[str, str] = {}  # field @id → column
        files: set[str] = set()
        for field in fields if isinstance(fields, list) else []:
            source = field.get("source") if isinstance(field, dict) else None
            file_ref = source.get("fileObject") if isinstance(source, dict) else None
            extract = source.get("extract") if isinstance(source, dict) else None
            column = extract.get("column") if isinstance(extract, dict) else None
            if not isinstance(file_ref, dict) or not isinstance(column, str):
                continue  # a file set's field, a transform, a sub-field: not one column
            file_id = str(file_ref.get("@id", ""))
            files.add(file_id)
            data_type = _one(field.get("dataType")).rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            spec = {"name": column[:200], "type": TABLE_TYPES.get(data_type, "string")}
            if data_type == "URL":
                spec["format"] = "uri"
            if notes := _one(field.get("description")):
                spec["description"] = notes[:2000]
            schema = schemas.setdefault(file_id, {"fields": []})
            if len(schema["fields"]) < 1000 and column not in {f["name"] for f in schema["fields"]}:
                schema["fields"].append(spec)
            names[_id(field)] = column
        keys = record_set.get("key") if isinstance(record_set, dict) else None
        keys = keys if isinstance(keys, list) else [keys] if keys else []
        columns = [names.get(_id(k)) for k in keys]
        if columns and all(columns) and len(files) == 1:
            schemas[files.pop()]["primaryKey"] = columns
    return schemas


def _distributions(document: dict, source_url: str) -> tuple[list[dict], list]:
    """The FileObjects with an address. A relative contentUrl (`data/titanic.csv`) is relative
    to the Croissant document, as the spec reads it."""
    schemas = _schemas(document.get("recordSet"))
    files = document.get("distribution")
    made, kept = [], []
    for node in files if isinstance(files, list) else [files] if files else []:
        if not isinstance(node, dict):
            continue
        kind = _one(node.get("@type"))
        address = _one(node.get("contentUrl"))
        # A path inside an archive (`containedIn`) is no address of its own: not a download.
        inside = bool(node.get("containedIn"))
        if address and not inside and http_url(source_url) and not urlsplit(address).scheme:
            address = urljoin(source_url, address)
        url = "" if inside else http_url(address)
        # Croissant's FileObject, or schema.org's DataDownload (Zenodo, Dataverse, ESIP).
        if not kind.endswith(("FileObject", "DataDownload")) or not url or not _acceptable(url):
            kept.append(node)  # file sets, git repositories, files without an address
            continue
        item = distribution(
            access_url=url,
            download_url=url,
            media_type=_one(node.get("encodingFormat") or node.get("fileFormat")),
            fmt=format_of(_one(node.get("encodingFormat") or node.get("fileFormat"))),
            title=_one(node.get("name")),
            desc=_one(node.get("description")),
            byte_size=byte_size(node.get("contentSize")),
            sha256=_one(node.get("sha256")) or _spdx_sha256(node.get("spdx:checksum")),
        )
        schema = schemas.get(node.get("@id", ""))
        if item and schema:
            item["schema"] = schema
        made.append(item)
    return made[:100], kept


def _spdx_sha256(checksums) -> str:
    """The SHA-256 of SPDX checksums (science-on-schema.org writes them on a DataDownload)."""
    for item in checksums if isinstance(checksums, list) else [checksums]:
        if isinstance(item, dict) and "sha256" in json.dumps(item.get("spdx:checksumAlgorithm")):
            return _one(item.get("spdx:checksumValue"))
    return ""


# The RAI properties the data card holds; the others (annotation, raw data…) stay in the
# provenance as the source wrote them.
RAI_TEXTS = {
    "collection_method": "rai:dataCollection",
    "social_impact": "rai:dataSocialImpact",
    "maintenance_plan": "rai:dataReleaseMaintenancePlan",
    "known_biases": "rai:dataBiases",
    "limitations": "rai:dataLimitations",
    "preprocessing": "rai:dataPreprocessingProtocol",
}
RAI_MAPPED = {
    *RAI_TEXTS.values(),
    "rai:dataUseCases",
    "rai:dataCollectionTimeFrame",
    "rai:personalSensitiveInformation",
    "rai:hasSyntheticData",
}


def data_card(document: dict) -> dict:
    """The RAI properties as Suchi's data card (keys the card does not have are left out)."""
    card: dict = {}
    for key, prop in RAI_TEXTS.items():
        said = "\n\n".join(_many(document.get(prop)))
        if said:
            card[key] = said[: datacard.TEXT_LIMIT]
    if summary := _one(document.get("abstract")).strip():
        card["summary"] = summary[: datacard.TEXT_LIMIT]
    uses = _many(document.get("rai:dataUseCases"))
    out = [u.removeprefix("Not suited for: ") for u in uses if u.startswith("Not suited for: ")]
    if inside := [u for u in uses if not u.startswith("Not suited for: ")]:
        card["intended_uses"] = "\n\n".join(inside)[: datacard.TEXT_LIMIT]
    if out:
        card["out_of_scope_uses"] = "\n\n".join(out)[: datacard.TEXT_LIMIT]
    frame = document.get("rai:dataCollectionTimeFrame")
    frame = frame if isinstance(frame, list) else [frame]
    start = iso_date(_one(frame[0])) if frame else None
    end = iso_date(_one(frame[-1])) if len(frame) > 1 else None
    if start:
        card["collection_start"] = start
        if end and end >= start:
            card["collection_end"] = end
    card.update(_sensitive(_many(document.get("rai:personalSensitiveInformation"))))
    if document.get("rai:hasSyntheticData") is True:
        card["data_subjects"] = DataSubjects.SYNTHETIC.value
    return card


def column_line(line: str) -> tuple[str, str, str] | None:
    """("c", "category", "note") from "Column c: category (note)." (export.rai_properties's
    sentence), read without a regular expression (hostile lines must cost linear time)."""
    if len(line) > 3000 or not line.startswith("Column ") or not line.endswith("."):
        return None
    column, sep, rest = line[len("Column ") : -1].partition(": ")
    if not sep or not column:
        return None
    note = ""
    if rest.endswith(")") and " (" in rest:
        rest, _, note = rest[:-1].partition(" (")
    return column, rest, note


def _sensitive(lines: list[str]) -> dict:
    """Suchi's own sentences (export.rai_properties) read back; anyone else's stay text."""
    subjects = {f"Data subjects: {s.label}.": s.value for s in DataSubjects}
    categories = {c.label: c.value for c in SensitiveCategory}
    found: dict = {"sensitive_fields": []}
    other = []
    for line in lines:
        column = column_line(line)
        if line in subjects:
            found["data_subjects"] = subjects[line]
        elif line.startswith("De-identification: "):
            found["deidentification"] = line.removeprefix("De-identification: ")
        elif column and column[1] in categories:
            found["sensitive_fields"].append(
                {
                    "column": column[0][:200],
                    "category": categories[column[1]],
                    "note": column[2][:500],
                }
            )
        else:
            other.append(line)
    if other:  # what another publisher says of personal data: kept with the de-identification
        found["deidentification"] = "\n\n".join(
            filter(None, [found.get("deidentification", ""), *other])
        )[: datacard.TEXT_LIMIT]
    found["sensitive_fields"] = found["sensitive_fields"][: datacard.MAX_SENSITIVE_FIELDS]
    return found if other or len(found) > 1 or found["sensitive_fields"] else {}


def _licence(value):
    """The first licence, a node as it is (licence_fields tries its address and its name)."""
    value = next(iter(value), None) if isinstance(value, list) else value
    return value if isinstance(value, dict) and "@value" not in value else _one(value)


def landing_page(document: dict) -> str:
    """A Croissant dataset's `url`, where it is http(s)."""
    return http_url(_one(document.get("url")))


def croissant_record(document: dict, source_url: str, by_name: bool = False) -> RemoteRecord:
    """One Croissant dataset as a remote record of the payload shape. `by_name`: its source
    gives other datasets the same landing page, so its name is part of its identity."""
    url = landing_page(document)
    identifier = _one(document.get("@id"))
    name = _one(document.get("name"))
    guid = http_url(identifier) or url or identifier or name
    if by_name and url and not identifier:
        guid = f"{url}#{name}"
    guid = text(guid, 500)
    distributions, kept = _distributions(document, source_url)
    languages = [code for code in map(language_code, _many(document.get("inLanguage"))) if code]
    payload = {
        "title": text(_one(document.get("name")), 300),
        "description": description(_one(document.get("description")), 20000),
        "keywords": keywords(_many(document.get("keywords"))),
        **licence_fields(_licence(document.get("license"))),
        "access_rights": "restricted" if document.get("conditionsOfAccess") else "open",
        "landing_page": url,
        "version": text(_one(document.get("version")), 50),
        "languages": list(dict.fromkeys(languages)),
        "temporal": temporal_range(_one(document.get("temporalCoverage"))),
        "distributions": [d for d in distributions if d],
    }
    card = data_card(document)
    if card:
        payload["data_card"] = card
        if card.get("data_subjects") in datacard.PERSONAL:
            # Records about people are never open here, whatever the source's access says.
            payload.update(contains_personal_data=True, access_rights="restricted")
    extra = {k: v for k, v in document.items() if k not in _MAPPED and k not in RAI_MAPPED}
    if kept:
        extra["distribution (file sets, or files without an http(s) address)"] = kept
    creators = said_agents(document.get("creator"))
    if creators:
        extra["creator"] = creators  # who made it, as the source said: exported as said
    publisher = _name_of(document.get("publisher")) or _name_of(document.get("creator"))
    return RemoteRecord(
        guid,
        payload,
        url or f"{source_url}#{guid}",
        text(publisher, 300),
        bounded_fields(extra),
        issued=source_date(_one(document.get("datePublished"))),
        modified=source_date(_one(document.get("dateModified"))),
    )


def documents_in(data) -> list[dict]:
    """The Croissant datasets a source serves: one document, a list of them, or a schema.org
    DataCatalog whose `dataset` lists them."""
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict) and _a_dataset(d)]
    if not isinstance(data, dict):
        return []
    if isinstance(data.get("dataset"), list):
        return [d for d in data["dataset"] if isinstance(d, dict) and _a_dataset(d)]
    return [data] if _a_dataset(data) else []


def _a_dataset(document: dict) -> bool:
    """Whether a document is a dataset: typed so, or not typed at all (a catalogue without its
    `dataset` list, a repository or an organisation is none)."""
    types = document.get("@type")
    types = types if isinstance(types, list) else [types] if types else []
    return not types or any(str(t).endswith("Dataset") for t in types)
