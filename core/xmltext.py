"""Text every representation can carry. XML 1.0 forbids C0 control characters (but tab and line
breaks), U+FFFE/U+FFFF and lone surrogates; PostgreSQL's text cannot hold NUL. The API refuses
them in its input (core/api/parsers.py); what comes from elsewhere (a harvested source) has them
dropped, so that one odd character neither fails a record nor breaks the RDF/XML and Atom
documents a catalogue page is written as."""

import re

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str | None) -> str:
    """`value` without the characters XML 1.0 cannot carry."""
    return NOT_XML.sub("", value or "")


def xml_clean(value):
    """`value` (JSON: texts, lists, objects) with xml_text applied to every text and key."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list):
        return [xml_clean(item) for item in value]
    if isinstance(value, dict):
        return {xml_clean(k): xml_clean(v) for k, v in value.items()}
    return value
