"""Real catalogues are full of non-ASCII text, and a stream is read in chunks (issue #17): a
multi-byte character falling between two reads, a byte order mark, a catalogue in UTF-16 or
Latin-1 that says so — each decoded, or the job failed with a reason a person can act on."""

import io
import json
import time

import pytest

from harvest.encoding import charset_of, utf8_stream
from harvest.fetch import HarvestError
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

pytestmark = pytest.mark.django_db

TEXT = "नमस्ते डेटा — café Zürich, தமிழ், 😀 \U0001d518"


class Chunks(io.RawIOBase):
    """A stream that hands out at most `size` bytes a read, as a socket may."""

    def __init__(self, data: bytes, size: int):
        self._data, self._size, self._at = data, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        piece = self._data[self._at : self._at + min(self._size, len(buffer))]
        buffer[: len(piece)] = piece
        self._at += len(piece)
        return len(piece)


def catalogue(title: str = TEXT) -> dict:
    return {
        "dataset": [
            {
                "identifier": "enc-1",
                "title": title,
                "description": f"{title}: {title}",
                "keyword": [title[:20]],
                "accessLevel": "public",
                "landingPage": "https://example.org/data",
            }
        ]
    }


def test_every_read_boundary_of_multibyte_text_decodes():
    data = json.dumps({"t": TEXT}, ensure_ascii=False).encode("utf-8")
    for size in range(1, len(data) + 1):
        assert json.loads(utf8_stream(Chunks(data, size)).read()) == {"t": TEXT}, size


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_a_byte_order_mark_says_the_encoding_and_is_dropped(encoding, prefix):
    data = prefix + json.dumps({"t": TEXT}, ensure_ascii=False).encode(encoding)
    for size in (1, 2, 3, 5, 7, 4096):
        assert json.loads(utf8_stream(Chunks(data, size)).read()) == {"t": TEXT}


def test_the_content_type_charset_is_followed():
    latin = json.dumps({"t": "café Zürich"}, ensure_ascii=False).encode("latin-1")
    stream = utf8_stream(Chunks(latin, 3), content_type="application/json; charset=ISO-8859-1")
    assert json.loads(stream.read()) == {"t": "café Zürich"}
    assert charset_of('application/json; Charset="UTF-16"') == "utf-16"
    assert charset_of("application/json") == ""


def test_invalid_utf8_is_a_clear_error_naming_the_byte():
    data = b'{"t": "caf\xe9 au lait"}'  # Latin-1 served without saying so
    with pytest.raises(HarvestError) as error:
        utf8_stream(Chunks(data, 4), url="http://x/data.json").read()
    assert "not valid utf-8 (byte 10" in str(error.value)


def test_an_unknown_charset_is_a_clear_error():
    with pytest.raises(HarvestError, match="character set 'klingon'"):
        utf8_stream(Chunks(b"{}", 1), content_type="application/json; charset=klingon").read()


def dripping(body: bytes, content_type: str):
    """A handler that sends the body one byte at a time (chunked), flushing each."""

    def handler(request):
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        for index in range(len(body)):
            request.wfile.write(b"1\r\n" + body[index : index + 1] + b"\r\n")
            request.wfile.flush()
            if index % 97 == 0:
                time.sleep(0.001)
        request.wfile.write(b"0\r\n\r\n")

    return handler


@pytest.mark.parametrize(
    ("encoding", "content_type", "prefix"),
    [
        ("utf-8", "application/json", b""),
        ("utf-8", "application/json", b"\xef\xbb\xbf"),
        ("utf-16", "application/json; charset=utf-16", b""),  # Python writes a BOM
        ("latin-1", "application/json; charset=iso-8859-1", b""),
    ],
)
def test_a_harvest_over_http_keeps_the_text(
    owner, catalogue_server, encoding, content_type, prefix
):
    title = TEXT if encoding != "latin-1" else "Données de Zürich, café"
    body = prefix + json.dumps(catalogue(title), ensure_ascii=False).encode(encoding)
    url = catalogue_server.handle("/enc.json", dripping(body, content_type))
    source = harvest_source_create(institution=owner, name="enc", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "finished", job.error
    assert Dataset.objects.get().title == title


def test_a_source_lying_about_its_encoding_fails_with_a_reason(owner, catalogue_server):
    body = json.dumps(catalogue("café"), ensure_ascii=False).encode("latin-1")
    url = catalogue_server.serve("/lie.json", body, "application/json; charset=utf-8")
    source = harvest_source_create(institution=owner, name="lie", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "not valid utf-8" in job.error and "byte" in job.error, job.error
    assert not Dataset.objects.exists()
