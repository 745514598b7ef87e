"""A geometry as Suchi keeps places: the bounding box [west, south, east, north] of a GeoJSON
geometry or a WKT literal (GeoSPARQL's, with its CRS), as DCAT (locn:geometry, dcat:bbox) and
DCAT-US 3.0 (a Location's geometry) write them."""

import json
import re

from .common import bounding_box


def geometry_box(value: str) -> list[float] | None:
    """The box of a GeoJSON geometry (a Point too) or a WKT literal; None when unreadable."""
    if value.startswith("{"):
        try:
            shape = json.loads(value)
        except ValueError:
            return None
        if isinstance(shape, dict) and shape.get("type") == "Point":
            coordinates = shape.get("coordinates")
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                return bounding_box([*coordinates[:2], *coordinates[:2]])
        return bounding_box(shape)
    # WKT, with an optional CRS IRI ahead (GeoSPARQL's wktLiteral). Without one, or with CRS84,
    # the pairs are longitude first; EPSG:4326 and EPSG:4258 (ETRS89) put latitude first. Any
    # other CRS is in metres or another datum: no box rather than a box somewhere else.
    crs = re.match(r"\s*<([^>]*)>", value)
    latitude_first = False
    if crs:
        code = crs.group(1).rstrip("/").rsplit("/", 1)[-1].upper()
        if code in {"4326", "4258"} and "/EPSG/" in crs.group(1).upper():
            latitude_first = True
        elif code != "CRS84":
            return None
    match = re.search(r"(POLYGON|POINT|MULTIPOLYGON)\s*\(([-0-9.eE,\s()]+)\)", value, re.I)
    if not match:
        return None
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", match.group(2))]
    xs, ys = numbers[0::2], numbers[1::2]
    if latitude_first:
        xs, ys = ys, xs
    if not xs or len(xs) != len(ys):
        return None
    return bounding_box([min(xs), min(ys), max(xs), max(ys)])
