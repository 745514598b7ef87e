"""What every standard's parse side shares: the record a parser yields, and the mapping of the
vocabularies real feeds use (licence ids and URLs, free-text themes, ISO 8601 dates, intervals
and frequencies, places) to Suchi's. What maps to nothing is kept: a licence verbatim in
`license_text`, an unmatched theme as a keyword, the rest of a record in `source_fields`
(the provenance snapshot). docs/harvest.md documents each mapping."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from html import unescape

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

from core.links import http_url
from core.xmltext import xml_clean, xml_text
from registry import vocabularies

# The payload key of a record its parser could not read (a bug met on odd input): the import
# counts it failed, with the reason, and goes on with the others.
UNREADABLE = "__unreadable__"


@dataclass
class RemoteRecord:
    """One record of a remote catalogue, in Suchi's dataset payload shape."""

    guid: str
    payload: dict
    remote_url: str = ""
    publisher: str = ""
    # What the source said that Suchi's model has no place for (kept in the provenance).
    source_fields: dict = field(default_factory=dict)
    # When the source says the dataset was issued and last changed (source_date's forms):
    # the exports state these, not the time of the harvest.
    issued: str = ""
    modified: str = ""
    # Where the source had the record from, when it harvested it itself (another Suchi): the
    # first hop's kind, name, url, remote_id and remote_url.
    origin: dict = field(default_factory=dict)


FREQUENCIES = {  # ISO 8601 repeating durations (DCAT-US accrualPeriodicity)
    "R/PT1H": "hourly",
    "R/P1D": "daily",
    "R/P1W": "weekly",
    "R/P2W": "fortnightly",
    "R/P1M": "monthly",
    "R/P3M": "quarterly",
    "R/P6M": "semiannual",
    "R/P1Y": "annual",
    "R/PT1S": "continuous",  # Project Open Data's "continuously updated"
    "irregular": "irregular",
}
# A frequency's name as feeds write it, beyond ISO 8601: the EU frequency table's (its IRI's
# last word), Dublin Core's (purl.org/cld/freq/), CKAN's and ckanext-dcat's plain words.
_FREQUENCY_WORDS = {
    "continuous": "continuous", "cont": "continuous", "update-cont": "continuous",
    "hourly": "hourly", "daily": "daily", "weekly": "weekly", "biweekly": "fortnightly",
    "fortnightly": "fortnightly", "monthly": "monthly", "quarterly": "quarterly",
    "semiannual": "semiannual", "annual-2": "semiannual", "annual": "annual",
    "annually": "annual", "yearly": "annual", "irregular": "irregular", "irreg": "irregular",
    "never": "never", "unknown": "unknown",
    # ISO 19115's maintenance codes (ckanext-spatial's frequency-of-update), open.canada.ca's.
    "continual": "continuous", "biannually": "semiannual", "semi-annual": "semiannual",
    "asneeded": "irregular", "as-needed": "irregular",
    "notplanned": "never", "not-planned": "never",
}  # fmt: skip


def frequency_code(value) -> str:
    """Suchi's frequency code for an ISO 8601 repeating duration (`R/P1Y`), a Suchi code, an
    IRI of the EU's or Dublin Core's table, or a plain word; "" when it names none of them."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    if value.upper() in FREQUENCIES or value in FREQUENCIES:
        return FREQUENCIES.get(value) or FREQUENCIES[value.upper()]
    word = value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return _FREQUENCY_WORDS.get(word.lower().replace("_", "-"), "")


# A format name for a media type, for a distribution that names only its media type (most of
# DCAT-US): the names CKAN and data.europa.eu list, so that a format filter finds it.
MEDIA_FORMATS = {
    "text/csv": "CSV", "application/csv": "CSV", "text/tab-separated-values": "TSV",
    "application/json": "JSON", "application/geo+json": "GeoJSON", "application/ld+json": "JSON-LD",
    "application/x-ndjson": "NDJSON", "application/jsonl": "JSONL", "application/xml": "XML",
    "text/xml": "XML", "text/html": "HTML", "text/plain": "TXT", "application/pdf": "PDF",
    "application/zip": "ZIP", "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.apache.parquet": "Parquet", "application/x-parquet": "Parquet",
    "application/rdf+xml": "RDF", "text/turtle": "Turtle",
    "application/vnd.google-earth.kml+xml": "KML", "application/vnd.google-earth.kmz": "KMZ",
    "application/x-shapefile": "Shapefile", "image/tiff": "TIFF", "image/jpeg": "JPEG",
    "image/png": "PNG", "application/sql": "SQL",
}  # fmt: skip
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", re.I)


def themes_and_keywords(themes, words, *, stated=()) -> tuple[list[str], list[str]]:
    """Theme codes for a record's free-text themes (vocabularies.theme_terms), and its keywords
    with every theme that matched nothing added to them (never dropped). Only a record whose
    themes name no theme here (`stated`: codes its parser already found) gets themes from its
    keywords: a source's own choice of themes is not added to (round trips gained themes)."""
    terms = vocabularies.theme_terms()
    codes: list[str] = list(stated)
    extra: list[str] = []
    for value in themes if isinstance(themes, list) else [themes]:
        if not isinstance(value, str) or not value.strip():
            continue
        found = _theme_codes(vocabularies.normalised_term(value), terms, whole_phrase=False)
        codes.extend(found)
        if not found:
            extra.append(value)
    # The unmatched themes first: a record with more keywords than Suchi keeps loses a keyword
    # of its own, never a theme.
    # One string may list them comma-separated (keywords() splits it).
    given = words.split(",") if isinstance(words, str) else words if isinstance(words, list) else []
    all_words = keywords([*extra, *given])
    if not codes:
        for word in all_words:
            found = _theme_codes(vocabularies.normalised_term(word), terms, whole_phrase=True)
            codes.extend(found)
    return list(dict.fromkeys(codes))[:13], all_words


def _theme_codes(term: str, terms: dict[str, str], *, whole_phrase: bool) -> list[str]:
    if term in terms:
        return [terms[term]]
    if whole_phrase or not term:
        return []
    # A theme phrase ("Energy & Environment", "Travel and Transportation") names each of its
    # subjects: every run of 1-3 words that is a term counts.
    words = term.split()
    found = []
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            code = terms.get(" ".join(words[start : start + size]))
            if code:
                found.append(code)
    return found


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso_date(value, *, end: bool = False) -> str | None:
    """An ISO 8601 date, year-month or year (or a date-time) as a date: the first day of the
    period, or its last with `end`. None when the value is no such date."""
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            return date(year, month, day).isoformat()
        if month is not None:
            if end:
                following = date(year + month // 12, month % 12 + 1, 1)
                return date.fromordinal(following.toordinal() - 1).isoformat()
            return date(year, month, 1).isoformat()
        return date(year, 12, 31).isoformat() if end else date(year, 1, 1).isoformat()
    except ValueError:
        return None


def temporal_range(value) -> dict:
    """{"start", "end"} for an ISO 8601 interval as feeds give it: `2010-01-01/2015-12-31`,
    `2014-05/2015`, `2020-01-01/..` (open end), `R/2010-01-01/P1Y` (start kept), or a single
    date or period (`2014-05`: the whole month). An end before the start is dropped."""
    empty = {"start": None, "end": None}
    if not isinstance(value, str) or not value.strip():
        return empty
    parts = [p for p in value.strip().split("/") if p and not p.startswith(("R", "P"))]
    if not parts:
        return empty
    start = iso_date(parts[0])
    if start is None:
        return empty
    end = iso_date(parts[1], end=True) if len(parts) > 1 else None
    if len(parts) == 1 and "/" not in value:
        end = iso_date(parts[0], end=True)
    if end is not None and end < start:
        end = None
    return {"start": start, "end": end}


def bounding_box(value) -> list[float] | None:
    """[west, south, east, north] for a bounding box given as "W,S,E,N" (DCAT-US), a list of
    four numbers, or a GeoJSON Polygon; None when it is none of these or not on the globe."""
    numbers = None
    if isinstance(value, str) and value.count(",") == 3:
        try:
            numbers = [float(p) for p in value.split(",")]
        except ValueError:
            return None
    elif isinstance(value, list) and len(value) == 4:
        numbers = value
    elif isinstance(value, dict) and value.get("type") == "Polygon":
        try:
            ring = value["coordinates"][0]
            xs, ys = [float(p[0]) for p in ring], [float(p[1]) for p in ring]
            numbers = [min(xs), min(ys), max(xs), max(ys)]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    if not numbers or not all(isinstance(n, int | float) for n in numbers):
        return None
    west, south, east, north = (float(n) for n in numbers)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return [west, south, east, north]


def state_codes(value) -> list[str]:
    """Indian state codes a place names (`IN-MH`, `MH`, `Maharashtra`, `महाराष्ट्र`, or
    several separated by commas or semicolons)."""
    if not isinstance(value, str):
        return []
    states = vocabularies.states()
    by_name = {s["name"].casefold(): code for code, s in states.items()}
    by_name.update({s["name_hi"]: code for code, s in states.items()})
    codes = []
    for part in re.split(r"[;,]", value):
        part = part.strip()
        code = part.upper().removeprefix("IN-")
        if code in states and (part.upper().startswith("IN-") or len(part) == 2):
            codes.append(code)
        elif part.casefold() in by_name:
            codes.append(by_name[part.casefold()])
    return list(dict.fromkeys(codes))


def bounded_fields(fields: dict, limit: int = 32 * 1024) -> dict:
    """The source's other fields, JSON-serialisable and at most `limit` bytes as JSON: the
    largest values are cut first, and `_cut` names what was cut."""
    fields = xml_clean(json.loads(json.dumps(fields, default=str, ensure_ascii=False)))
    cut = []
    while fields and len(json.dumps(fields, ensure_ascii=False).encode()) > limit:
        largest = max(fields, key=lambda k: len(json.dumps(fields[k], ensure_ascii=False)))
        cut.append(largest)
        del fields[largest]
    if cut:
        fields["_cut"] = sorted(cut)
    return fields


def email_address(value) -> str:
    """An e-mail address as feeds write it: plain, `mailto:`, `Name <address>`, or written as a
    relative IRI (`rdf:resource="info@x.de"`), which an RDF parser turns into the feed's own
    address followed by it (Bremen's and opendata.swiss's): its last segment."""
    value = (value or "").strip() if isinstance(value, str) else ""
    value = value.removeprefix("mailto:")
    if re.match(r"https?://", value, re.I):
        value = value.rstrip("/").rsplit("/", 1)[-1]
    _, address = parseaddr(value)
    return address if _EMAIL.match(address or "") and len(address) <= 254 else ""


def text(value, limit: int) -> str:
    """A source's string, trimmed and bounded, without the characters XML cannot carry (NUL,
    which no database text holds, failed the whole record; a control character broke every
    RDF/XML page that held the record)."""
    return xml_text(value).strip()[:limit] if isinstance(value, str) else ""


# A description written in HTML, as OpenDataSoft, Socrata and many CKAN sites give theirs.
# HTML, by a closing tag of an element descriptions use (a lone `<b` in text is no HTML).
_HTML = re.compile(r"</(p|div|ul|ol|li|a|strong|em|b|i|h[1-6]|span|table|tr|td)\s*>", re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_LINK_SCHEMES = ("http://", "https://", "mailto:")


def description(value, limit: int) -> str:
    """A source's description as Suchi keeps them (Markdown). One written in HTML (it closes
    an element) becomes the same in Markdown (paragraphs, lists, links, emphasis) instead of
    showing its tags as text; one that only breaks lines (`<br>` in CKAN's Markdown notes)
    gets its line breaks. Scripts, styles and images are dropped and a link that is not http(s)
    or mailto keeps only its text; the page's sanitiser still has the last word."""
    value = text(value, limit * 2)
    if not _HTML.search(value) and _HTML.search(unescape(value)):  # HTML escaped once more
        value = unescape(value)
    if _HTML.search(value):
        value = _html_as_markdown(value)
    elif _BREAK.search(value):
        value = _BREAK.sub("\n", value)
    return text(value, limit)


def _html_as_markdown(value: str) -> str:
    soup = BeautifulSoup(value, "html.parser")  # linear; no regex over the tags
    for unshown in soup(["script", "style", "img", "iframe", "object", "svg", "math"]):
        unshown.decompose()
    for link in soup("a"):
        if not str(link.get("href") or "").strip().lower().startswith(_LINK_SCHEMES):
            link.unwrap()
    try:
        converted = MarkdownConverter(
            heading_style="ATX",
            escape_misc=False,
            escape_underscores=False,  # CommonMark reads no emphasis inside a word (2020_21)
            escape_asterisks=False,
        ).convert_soup(soup)
    except RecursionError:  # nested hundreds deep: its words, without the structure
        converted = soup.get_text("\n")
    return re.sub(r"\n{3,}", "\n\n", converted)


# ISO 639-2 bibliographic codes and other spellings, beside the ISO 639-3 codes the vocabulary
# lists (registry/data/languages.json): ger and deu are both German.
_LANGUAGE_CODES = {
    "ori": "or", "ory": "or", "ger": "de", "fre": "fr", "dut": "nl", "gre": "el", "chi": "zh",
    "cze": "cs", "rum": "ro", "slo": "sk", "per": "fa", "may": "ms", "bur": "my", "ice": "is",
    "nb": "no", "nn": "no", "nob": "no", "nno": "no", "iw": "he", "in": "id", "zsm": "ms",
}  # fmt: skip


def language_code(value) -> str:
    """Suchi's code for a language tag as feeds write it (`en`, `en-US`, `EN_us`, `eng`,
    `kok`, `deu`, an IRI of the EU's language table ending in `DEU`): its primary subtag, as ISO
    639-1 where the language has such a code. "" when the language is none Suchi knows (the
    caller keeps the tag as written)."""
    if not isinstance(value, str):
        return ""
    value = value.strip().rstrip("/").rsplit("/", 1)[-1]
    primary = value.replace("_", "-").split("-", 1)[0].lower()
    known = vocabularies.languages()
    if primary in known:
        return primary
    by_three = {lang["iso639_3"].lower(): code for code, lang in known.items()}
    return by_three.get(primary) or _LANGUAGE_CODES.get(primary, "")


def keywords(values) -> list[str]:
    """At most 50 distinct keywords (case ignored), each at most 100 characters."""
    if isinstance(values, str):  # some feeds give one comma-separated string
        values = values.split(",")
    out, seen = [], set()
    if not isinstance(values, Iterable) or isinstance(values, dict | bytes):
        values = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        value = text(value, 100)
        if value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
            if len(out) == 50:
                break
    return out


def format_of(media_type: str) -> str:
    """A format name for a media type: text/csv → CSV, the known ones by MEDIA_FORMATS, any
    other by its subtype (application/x-foo+xml → FOO); "" for no media type."""
    media = media_type.split(";", 1)[0].strip().lower() if isinstance(media_type, str) else ""
    if not media:
        return ""
    if media in MEDIA_FORMATS:
        return MEDIA_FORMATS[media]
    subtype = media.rsplit("/", 1)[-1].removeprefix("x-").removeprefix("vnd.").rsplit(".", 1)[-1]
    return subtype.split("+", 1)[0].upper()[:30]


_FORMAT_NAMES = {name.upper(): name for name in MEDIA_FORMATS.values()}


def format_name(value: str) -> str:
    """A format as feeds write it, in the name the catalogue lists: `csv` → CSV, a media type
    given as the format (`text/csv`) → CSV; any other name as written."""
    if _MEDIA_TYPE.match(value.lower()):
        return format_of(value)
    return _FORMAT_NAMES.get(value.strip().upper(), value.strip())


# Long: one line per field of a distribution, each checked as feeds write it.
def distribution(
    *,
    access_url,
    download_url="",
    media_type="",
    fmt="",
    title="",
    desc="",
    byte_size=None,
    sha256=None,
):
    """A distribution of the payload, or None without an http(s) URL to reach it. A media type
    that is no `type/subtype`, a size that is no whole number of bytes and a checksum that is
    no SHA-256 hex digest are left out."""
    access, download = http_url(access_url), http_url(download_url)
    if not access and not download:
        return None
    # A media type's parameters (`; charset=…`) are no part of it; a format written as a media
    # type (POD 1.0, many DCAT feeds) is one.
    media = media_type.split(";")[0].strip().lower() if isinstance(media_type, str) else ""
    if not media and isinstance(fmt, str) and _MEDIA_TYPE.match(fmt.split(";")[0].strip()):
        media, fmt = fmt.split(";")[0].strip().lower(), ""
    out = {
        "title": text(title, 300),
        "description": description(desc, 5000),
        # DCAT-AP wants an accessURL always; a direct download is also its own accessURL.
        "access_url": access or download,
        "download_url": download,
        "media_type": media if _MEDIA_TYPE.match(media) else "",
        # A format given as an IRI of a file-type table (EU's, data.gov's): its last word.
        "format": text(str(fmt).rstrip("/").rsplit("/", 1)[-1] if http_url(fmt) else fmt, 30),
    }
    out["format"] = format_name(out["format"]) or format_of(out["media_type"])
    size = str(byte_size).strip() if isinstance(byte_size, int | str) else ""
    if size.isdigit() and int(size) < 2**63:
        out["byte_size"] = int(size)
    if isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256.strip()):
        out["checksum_sha256"] = sha256.strip().lower()
    return out
