"""The terms of a data-use agreement: checked and completed from the provider's template,
written as readable text and as an ODRL 2.2 policy (JSON-LD with its context embedded, so a
reader fetches nothing). Re-identifying people is always prohibited; onward transfer is
prohibited unless the terms allow it."""

import json
import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from core.errors import ServiceError

MAX_LIST = 20
# Every line and paragraph separator Unicode knows, besides CR and LF.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
MAX_TEXT = 2000
MAX_RETENTION_DAYS = 3650
DEFAULTS = {
    "permitted_uses": [],
    "prohibited_uses": [],
    "onward_transfer": False,
    "retention_days": 0,
    "attribution": "",
    "output_obligations": [],
}
ALWAYS_PROHIBITED = "Re-identifying any person in the data, or trying to."
MODEL_CARD = "Publish a model card for every model trained on the data, naming this agreement."
ODRL = "http://www.w3.org/ns/odrl/2/"
# ODRL 2.2's own terms, with the types JSON-LD needs to read IRIs as IRIs.
ODRL_CONTEXT = {
    "@vocab": ODRL,
    "odrl": ODRL,
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dpv": "https://w3id.org/dpv#",
    "suchi": "https://w3id.org/suchi/exchange#",
    "uid": "@id",
    "type": "@type",
    "target": {"@type": "@id"},
    "assigner": {"@type": "@id"},
    "assignee": {"@type": "@id"},
    "action": {"@type": "@vocab"},
    "leftOperand": {"@type": "@vocab"},
    "operator": {"@type": "@vocab"},
    "permission": {"@container": "@set"},
    "prohibition": {"@container": "@set"},
    "obligation": {"@container": "@set"},
    "duty": {"@container": "@set"},
    "constraint": {"@container": "@set"},
}


@cache
def purposes() -> dict[str, dict]:
    """The exchange's purposes (exchange/data/purposes.json), by code."""
    path = Path(__file__).parent / "data" / "purposes.json"
    return {p["code"]: p for p in json.loads(path.read_text(encoding="utf-8"))}


def _texts(value, field: str) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise ServiceError(f"A list of at most {MAX_LIST} texts.", field=field)
    out = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_TEXT:
            raise ServiceError(
                f"Each item is a text of 1 to {MAX_TEXT} characters.", field=f"{field}[{index}]"
            )
        if _LINE_BREAKS.search(item):
            # The readable text is a line per term: an item must not write lines of its own.
            raise ServiceError("One line each, without line breaks.", field=f"{field}[{index}]")
        out.append(item.strip())
    return out


def terms_checked(given: dict, *, template: dict, purpose: str) -> dict:
    """The terms to approve: the provider's template, then what the approval says. Raises
    ServiceError naming the field (`terms.retention_days`, …)."""
    if not isinstance(given, dict):
        raise ServiceError("Terms are a JSON object.", field="terms")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ServiceError(f"Unknown term(s): {', '.join(unknown)}.", field=f"terms.{unknown[0]}")
    merged = {**DEFAULTS, **{k: v for k, v in (template or {}).items() if k in DEFAULTS}, **given}
    terms = {
        "permitted_uses": _texts(merged["permitted_uses"], "terms.permitted_uses"),
        "prohibited_uses": _texts(merged["prohibited_uses"], "terms.prohibited_uses"),
        "output_obligations": _texts(merged["output_obligations"], "terms.output_obligations"),
    }
    if not isinstance(merged["onward_transfer"], bool):
        raise ServiceError("true or false.", field="terms.onward_transfer")
    retention = merged["retention_days"]
    if isinstance(retention, bool) or not isinstance(retention, int):
        raise ServiceError("A whole number of days.", field="terms.retention_days")
    if not 0 <= retention <= MAX_RETENTION_DAYS:
        raise ServiceError(
            f"From 0 to {MAX_RETENTION_DAYS} days after the agreement ends.",
            field="terms.retention_days",
        )
    attribution = merged["attribution"]
    if not isinstance(attribution, str) or len(attribution) > MAX_TEXT:
        raise ServiceError(f"A text of at most {MAX_TEXT} characters.", field="terms.attribution")
    if _LINE_BREAKS.search(attribution):
        raise ServiceError("One line, without line breaks.", field="terms.attribution")
    terms.update(
        onward_transfer=merged["onward_transfer"],
        retention_days=retention,
        attribution=attribution.strip(),
    )
    if ALWAYS_PROHIBITED not in terms["prohibited_uses"]:
        terms["prohibited_uses"].insert(0, ALWAYS_PROHIBITED)
    if purpose == "ai-training" and MODEL_CARD not in terms["output_obligations"]:
        terms["output_obligations"].append(MODEL_CARD)
    if not terms["permitted_uses"]:
        terms["permitted_uses"] = [purposes()[purpose]["description"]]
    return terms


def delete_by(valid_until: datetime, terms: dict) -> datetime:
    return valid_until + timedelta(days=terms["retention_days"])


def readable(terms: dict, *, purpose: str, valid_until: str, delete_by: str) -> str:
    """The terms as plain English, in the order a reader needs them."""
    lines = [f"Purpose: {purposes()[purpose]['name']}. Valid until {valid_until}."]
    lines += [f"Permitted: {use}" for use in terms["permitted_uses"]]
    lines += [f"Prohibited: {use}" for use in terms["prohibited_uses"]]
    lines.append(
        "Onward transfer to anyone else is permitted."
        if terms["onward_transfer"]
        else "Prohibited: passing the data, or copies of it, to anyone else."
    )
    lines.append(f"Delete every copy by {delete_by}.")
    if terms["attribution"]:
        lines.append(f"Attribution: {terms['attribution']}")
    lines += [f"Obligation: {duty}" for duty in terms["output_obligations"]]
    return "\n".join(lines)


def _until(operator: str, moment: str) -> dict:
    return {
        "leftOperand": "dateTime",
        "operator": operator,
        "rightOperand": {"@value": moment, "@type": "xsd:dateTime"},
    }


def odrl_policy(
    *, uid: str, assigner: str, assignee: str, targets: list[str], purpose: str,
    valid_until: str, delete_by: str, terms: dict,
) -> dict:  # fmt: skip
    """The agreement as an ODRL 2.2 `Agreement` between the two institutions (their pages'
    IRIs) over the datasets (theirs): use for the purpose until the end, no re-identification,
    no distribution unless allowed, deletion by the date, attribution and other duties."""
    purpose_iri = purposes()[purpose]["dpv"]
    duties = [{"action": "delete", "constraint": [_until("lteq", delete_by)]}]
    if terms["attribution"]:
        duties.append({"action": "attribute", "suchi:text": terms["attribution"]})
    duties += [
        {"action": "suchi:fulfil", "suchi:text": duty} for duty in terms["output_obligations"]
    ]
    policy = {
        "@context": ODRL_CONTEXT,
        "type": "Agreement",
        "uid": uid,
        "profile": "https://w3id.org/suchi/exchange",
        "assigner": assigner,
        "assignee": assignee,
        "permission": [
            {
                "target": target,
                "action": "use",
                "constraint": [
                    {
                        "leftOperand": "purpose",
                        "operator": "eq",
                        "rightOperand": {"@id": purpose_iri},
                    },
                    _until("lt", valid_until),
                ],
                "duty": duties,
            }
            for target in targets
        ],
        "prohibition": [{"target": target, "action": "suchi:reidentify"} for target in targets],
    }
    if not terms["onward_transfer"]:
        policy["prohibition"] += [{"target": target, "action": "distribute"} for target in targets]
    return policy
