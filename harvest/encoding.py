"""The text encoding of a harvested document, decoded as a stream.

Real catalogues are full of non-ASCII text (Devanagari, Tamil, accented names, emoji), and a
stream is read in chunks: a multi-byte character can fall across two reads. `utf8_stream`
hands the parsers one thing they can trust — valid UTF-8 bytes, without a byte order mark —
whatever the source sent:

- a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) says the encoding and is dropped;
- otherwise the `charset` of the Content-Type header (ISO-8859-1, windows-1252, UTF-16 …);
- otherwise UTF-8, JSON's only encoding (RFC 8259) and Turtle's.

Decoding is incremental, so a character split between reads is put back together, and memory
stays bounded. Bytes that are not valid in the encoding end the harvest with HarvestError
naming the byte offset and the encoding, never a bare UnicodeDecodeError.
"""

import codecs
import io

from .fetch import HarvestError

_BOMS = [  # longest first: UTF-32 LE's mark begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_CHUNK = 64 * 1024


def charset_of(content_type_header: str) -> str:
    """The `charset` parameter of a Content-Type header, lower case; "" when there is none."""
    for part in (content_type_header or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower()
    return ""


class Utf8Stream(io.RawIOBase):
    """A readable stream of valid UTF-8 bytes, decoded incrementally from `raw`."""

    def __init__(self, raw, *, charset: str = "", url: str = ""):
        self._raw, self._url = raw, url
        head = self._read_raw(4)
        encoding = ""
        for mark, name in _BOMS:
            if head.startswith(mark):
                encoding, head = name, head[len(mark) :]
                break
        if not encoding:
            encoding = charset or "utf-8"
        try:
            codec = codecs.lookup(encoding)
            if not getattr(codec, "_is_text_encoding", True) or codec.name == "undefined":
                raise LookupError(encoding)  # bz2, rot13, base64 …: not a character set
            self.encoding = codec.name
        except LookupError:
            raise HarvestError(
                f"{url}: the source declares the character set {encoding!r}, which Suchi does "
                "not know; serve the catalogue as UTF-8"
            ) from None
        self._decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        self._offset = 0  # bytes of the source handed to the decoder so far
        self._pending = self._decode(head, final=False)
        self._done = False

    def _read_raw(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self._raw.read(size - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def _decode(self, data: bytes, *, final: bool) -> bytes:
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            at = self._offset + exc.start
            raise HarvestError(
                f"{self._url}: the document is not valid {self.encoding} (byte {at}: "
                f"{exc.reason}); a catalogue must be served in the character set it declares "
                "(UTF-8 unless its Content-Type says otherwise)"
            ) from None
        finally:
            self._offset += len(data)
        return text.encode("utf-8")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._done:
            data = self._raw.read(_CHUNK)
            if not data:
                self._pending = self._decode(b"", final=True)
                self._done = True
            else:
                self._pending = self._decode(data, final=False)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def read_all(self) -> bytes:
        return io.BufferedReader(self, buffer_size=_CHUNK).read()


def utf8_stream(raw, *, content_type: str = "", url: str = "") -> io.BufferedReader:
    """`raw` (a binary stream) as valid UTF-8 bytes; see the module's docstring."""
    return io.BufferedReader(
        Utf8Stream(raw, charset=charset_of(content_type), url=url), buffer_size=_CHUNK
    )
