"""Parsing RDF from outside (a harvested catalogue, an uploaded file) without letting the parser
reach anything but the bytes it was given.

rdflib dereferences URLs on its own: a JSON-LD `@context` or `@import` given as a URL is
fetched with urllib (loopback, private addresses and `file:` included, redirects followed),
and an RDF/XML document may declare external entities. Neither goes through the SSRF guard, so
neither is allowed to happen:

- JSON-LD is decoded here first. A context Suchi ships (DCAT-AP 3, schema.org) is replaced by
  its local copy, wherever it appears (top level, scoped contexts, `@import`); any other
  context reference is refused with a message naming it. rdflib then receives a Python object
  with no reference left to follow.
- RDF/XML is scanned with defusedxml before rdflib sees it: entity declarations and external
  references are refused (they are how XXE and "billion laughs" work).
- Turtle, N-Triples and N3 have no dereferencing construct.

The messages of the errors raised here speak of the document, never of the machine (no
"connection refused", no "no such file"): they end up in job reports that institutions read.
"""

import io
import json
from functools import cache
from pathlib import Path

from .jsontext import strict_loads

DATA = Path(__file__).resolve().parent / "data" / "jsonld"

# Context documents Suchi ships, by every URL they are published under.
_SHIPPED = {
    "dcat-ap-3.0.0.jsonld": (
        "semiceu.github.io/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld",
        "raw.githubusercontent.com/SEMICeu/DCAT-AP/master/releases/3.0.0/context/dcat-ap.jsonld",
    ),
    "schema.org.jsonld": (
        "schema.org",
        "schema.org/",
        "schema.org/docs/jsonldcontext.jsonld",
        "schema.org/docs/jsonldcontext.json",
    ),
}
MAX_DEPTH = 64  # deeper JSON-LD is not a catalogue; it is an attempt to exhaust the stack


class DocumentRefused(ValueError):
    """The document asks for something that is never done (a remote context, an entity)."""


class DocumentInvalid(ValueError):
    """The document is not valid in its format; the message says where."""


def _key(url: str) -> str:
    url = url.strip()
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme) :]
            break
    else:
        return ""
    return url.removeprefix("www.")


@cache
def _contexts() -> dict[str, dict]:
    loaded = {}
    for name, urls in _SHIPPED.items():
        document = json.loads((DATA / name).read_text(encoding="utf-8"))
        for url in urls:
            loaded[url] = document["@context"]
    return loaded


def shipped_context(url: str) -> dict | None:
    """The local copy of a context Suchi ships, or None."""
    key = _key(url) if isinstance(url, str) else ""
    found = _contexts().get(key)
    return json.loads(json.dumps(found)) if found is not None else None  # a copy to own


def _local_context(value, depth: int):
    """A `@context` value with every reference replaced by its shipped copy."""
    if isinstance(value, str):
        found = shipped_context(value)
        if found is None:
            raise DocumentRefused(
                f"JSON-LD context {value[:200]!r} is not one Suchi ships (DCAT-AP 3, schema.org);"
                " remote contexts are never fetched: embed the context in the document"
            )
        return _localise(found, depth + 1)
    if isinstance(value, list):
        out = []
        for item in value:
            local = _local_context(item, depth + 1)
            out.extend(local if isinstance(local, list) else [local])
        return out
    if isinstance(value, dict):
        value = _localise(value, depth + 1)
        imported = value.pop("@import", None)
        if imported is not None:
            if not isinstance(imported, str):
                raise DocumentRefused("JSON-LD `@import` must name a context")
            base = _local_context(imported, depth + 1)
            if not isinstance(base, dict):
                raise DocumentRefused("JSON-LD `@import` must name a single context object")
            value = {**base, **value}
        return value
    return value  # null and the like: rdflib judges them


def _localise(node, depth: int = 0):
    if depth > MAX_DEPTH:
        raise DocumentInvalid(f"JSON-LD nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, list):
        return [_localise(item, depth + 1) for item in node]
    if isinstance(node, dict):
        return {
            key: _local_context(value, depth) if key == "@context" else _localise(value, depth + 1)
            for key, value in node.items()
        }
    return node


def localise_jsonld(document):
    """A JSON-LD document (decoded JSON) whose contexts are all local; raises DocumentRefused
    for a context reference Suchi does not ship."""
    return _localise(document)


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _check_xml(raw: bytes) -> str:
    """Refuse what XML may refer to outside itself; the root element's name (`{ns}local`)."""
    from xml.sax import SAXParseException
    from xml.sax.handler import ContentHandler

    import defusedxml.sax
    from defusedxml import DefusedXmlException

    class Root(ContentHandler):
        name = ""

        def startElement(self, name, attrs):
            if not self.name:
                uri = next((v for k, v in attrs.items() if k == _xmlns_of(name)), "")
                self.name = f"{{{uri}}}{name.rpartition(':')[2]}"

    root = Root()
    try:
        defusedxml.sax.parse(
            io.BytesIO(raw),
            root,
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException:
        raise DocumentRefused(
            "RDF/XML that declares entities or refers to external ones is not accepted"
        ) from None
    except SAXParseException as exc:
        raise DocumentInvalid(
            f"not well-formed XML: {exc.getMessage()} at line {exc.getLineNumber()}"
        ) from None
    return root.name


def _xmlns_of(qname: str) -> str:
    prefix = qname.partition(":")[0] if ":" in qname else ""
    return f"xmlns:{prefix}" if prefix else "xmlns"


def parse_rdf(raw: bytes, fmt: str, *, base: str):
    """An rdflib Graph of `raw` in `fmt` (turtle, xml, json-ld, nt, n3); nothing is fetched.

    Raises DocumentRefused or DocumentInvalid with a message fit for the person who sent it.
    """
    from rdflib import Graph

    graph = Graph()
    data: object = raw
    if fmt == "json-ld":
        try:
            decoded = strict_loads(raw)
        except (ValueError, RecursionError) as exc:
            raise DocumentInvalid(f"not valid JSON ({str(exc)[:200]})") from None
        if isinstance(decoded, list):
            # A top-level array (as rdflib itself writes JSON-LD) means the same as an object
            # holding it in @graph; rdflib's parser takes only the object.
            decoded = {"@graph": decoded}
        data = localise_jsonld(decoded)
    root = _check_xml(raw) if fmt == "xml" else ""
    try:
        graph.parse(data=data, format=fmt, publicID=base)
    except (DocumentRefused, DocumentInvalid, MemoryError):
        raise  # a MemoryError is the caller's bound (the validator's), not the document's fault
    except OSError:
        # rdflib tried to open something after all: never say what or why.
        raise DocumentRefused("the document refers to something outside itself") from None
    except UnicodeDecodeError as exc:
        raise DocumentInvalid(f"not UTF-8 text (byte {exc.start} is not)") from None
    except (TypeError, AttributeError, KeyError, IndexError, AssertionError):
        # The parser tripped over a value of a type it did not expect: its own words name
        # Python's internals ("unsupported operand type(s)"), not the document.
        raise DocumentInvalid(
            f"not valid RDF ({fmt}): a value has a type or shape the format does not allow "
            "(a number or an object where a string or an IRI belongs, for example)"
        ) from None
    except Exception as exc:  # rdflib raises many unrelated types for bad input
        if root and not root.startswith(f"{{{RDF_NS}}}"):
            # An XML document of another kind (a CSW answer, ISO 19139): say which.
            raise DocumentInvalid(
                f"not RDF/XML: its root element is {root[:200]} (Suchi reads DCAT, not this "
                "kind of XML)"
            ) from None
        raise DocumentInvalid(f"not valid RDF ({fmt}): {str(exc)[:200]}") from None
    return graph
