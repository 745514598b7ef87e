"""A DCAT-AP catalogue checked with pyshacl against the official DCAT-AP 3.0.1 shapes (the
mandatory properties and the class ranges, as SEMIC publishes them, merged: data/README.md).

Nothing here imports Django: it runs in the validator's child (core/isolation.py). Nothing is
fetched: the document goes through core.rdf.parse_rdf, the shapes are a local file with no
owl:imports, and pyshacl is asked for no imports, no inference and no SHACL-JS.
"""

from functools import cache
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, NamespaceManager

from core.rdf import parse_rdf

SHAPES = Path(__file__).resolve().parent / "data" / "dcat-ap-3.0.1-shacl.ttl"
STANDARD = "DCAT-AP 3.0.1"
BASE = "https://document.invalid/"  # relative IRIs in an uploaded document resolve here
FIELD_LIMIT = 300  # characters of any one field of a result: a report stays small
PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
    "locn": "http://www.w3.org/ns/locn#",
    "dcatap": "http://data.europa.eu/r5r/",
    "time": "http://www.w3.org/2006/time#",
    "rdf": str(RDF),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": str(SH),
}
# What a constraint expects, read from the shape that failed (sh:minCount 1 → "1").
_EXPECTED = {
    "MinCountConstraintComponent": SH.minCount,
    "MaxCountConstraintComponent": SH.maxCount,
    "ClassConstraintComponent": SH["class"],
    "DatatypeConstraintComponent": SH.datatype,
    "NodeKindConstraintComponent": SH.nodeKind,
    "PatternConstraintComponent": SH.pattern,
    "MinLengthConstraintComponent": SH.minLength,
    "MaxLengthConstraintComponent": SH.maxLength,
}
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class _Members(list):
    """A list whose `in` is a set lookup."""

    def __init__(self, items):
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item) -> bool:
        return item in self._members


@cache
def _faster_constraint_lookup() -> bool:
    """pyshacl 0.40 finds a shape's constraints by testing each predicate of the shape with
    `in` against a *list* of some forty constraint parameters: a third of the time of a large
    check went to URIRef.__eq__ (docs/benchmarks.md). It caches that list on its shape module
    (`CONSTRAINT_PARAMS`), so seeding the cache with the same list, made a set for `in`, gives
    the same answers 40 % sooner. If a later pyshacl lays this out otherwise, nothing is done."""
    import pyshacl.shape as shape_module

    try:
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:
        return False
    shape_module.CONSTRAINT_PARAMS = (
        _Members(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
    return True


@cache
def shapes() -> Graph:
    """The shapes graph, parsed once per process."""
    graph = Graph()
    graph.parse(SHAPES, format="turtle")
    return graph


@cache
def _names() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, Namespace(iri), override=True, replace=True)
    return manager


def short(node) -> str:
    """A node as a person reads it: `dcat:Dataset`, `<https://…>`, `_:b0`, `"text"`."""
    if isinstance(node, URIRef):
        try:
            text = node.n3(_names())
        except Exception:  # an IRI rdflib cannot write (a space, a quote): as it was given
            text = f"<{node}>"
        return f"<{text[len(BASE) + 1 :]}" if text.startswith(f"<{BASE}") else text
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3(_names())
    return str(node)


def _path(report: Graph, node) -> str:
    """sh:resultPath: a property, or a SHACL path expression (an inverse, a sequence …)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return short(node)
    inverse = report.value(node, SH.inversePath)
    if inverse is not None:
        return f"^{_path(report, inverse)}"
    items = list(report.items(node)) if report.value(node, RDF.first) is not None else []
    if items:
        return "/".join(_path(report, item) for item in items)
    return "(a SHACL path expression)"


def _plain(node) -> str:
    """A shape's parameter as written: `1`, `foaf:Agent`."""
    if node is None:
        return ""
    return str(node) if isinstance(node, Literal) else short(node)


def _focus_type(data: Graph, focus) -> str:
    types = sorted(short(kind) for kind in data.objects(focus, RDF.type))
    return types[0] if types else ""


def _constraint(node) -> str:
    text = str(node or "")
    return text.rsplit("#", 1)[-1] if text.startswith(str(SH)) else short(node)


def _result(report: Graph, data: Graph, node) -> dict:
    focus = report.value(node, SH.focusNode)
    constraint = _constraint(report.value(node, SH.sourceConstraintComponent))
    shape = report.value(node, SH.sourceShape)
    expected_by = _EXPECTED.get(constraint)
    expected = shapes().value(shape, expected_by) if expected_by and shape is not None else None
    value = report.value(node, SH.value)
    message = report.value(node, SH.resultMessage)
    result = {
        "focus_node": short(focus),
        "focus_type": _focus_type(data, focus),
        "path": _path(report, report.value(node, SH.resultPath)),
        "message": str(message) if message is not None else "",
        "severity": _SEVERITY.get(report.value(node, SH.resultSeverity), "Violation"),
        "constraint": constraint,
        "expected": _plain(expected),
        "value": "" if value is None else short(value),
    }
    # A small document can name very long IRIs a thousand times: no field outgrows its limit.
    return {k: v[: FIELD_LIMIT - 1] + "…" if len(v) > FIELD_LIMIT else v for k, v in result.items()}


def prepare() -> None:
    """What every check needs, done once in the web process before it forks a child: the
    shapes parsed, pyshacl imported and its constraint lookup made fast."""
    import pyshacl  # noqa: F401

    shapes()
    _faster_constraint_lookup()


def check_graph(data: Graph) -> list[dict]:
    """Every SHACL result for `data`, in a stable order (by focus node, path, constraint)."""
    from pyshacl import validate

    prepare()
    _, report, _ = validate(
        data,
        shacl_graph=shapes(),
        inference="none",
        allow_warnings=True,
        do_owl_imports=False,
        meta_shacl=False,
        advanced=False,
        js=False,
    )
    results = [_result(report, data, node) for node in report.objects(None, SH.result)]
    results.sort(key=lambda r: (r["focus_node"], r["path"], r["constraint"], r["value"]))
    return results


def check_document(raw: bytes, fmt: str) -> list[dict]:
    """The SHACL results for a document in `fmt` (turtle, xml, json-ld). Raises
    core.rdf.DocumentInvalid or DocumentRefused for what cannot or must not be parsed."""
    return check_graph(parse_rdf(raw, fmt, base=BASE))
