"""The SSRF guard: unsafe source URLs are refused before any connection is made."""

import gzip
import socket

import pytest

from registry import sources
from registry.checks import CHECKS, CheckContext

from ..services import free_port
from ..sourceserver import drip, endless


class Listener:
    """A socket listening on a loopback port that is NOT allow-listed. Anything that connects
    waits in its backlog, where `connections()` finds it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
                conn.close()
                count += 1
            except BlockingIOError:
                return count


@pytest.fixture
def listener():
    listening = Listener()
    yield listening
    listening.sock.close()


def resolver_to(address: str):
    """An OS-resolver stand-in answering every name with one address (no real DNS here)."""
    calls = []

    def resolve(host, port, type=0, **kwargs):
        calls.append(host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    resolve.calls = calls
    return resolve


def snapshot_with(url: str) -> dict:
    from registry.services.snapshots import snapshot_normalise

    from ..factories import dataset_payload

    data = dataset_payload(distributions=[{"access_url": url, "media_type": "text/csv"}])
    return snapshot_normalise(data, known_distribution_ids=set())


def safety_findings(url: str, resolver=None) -> list:
    context = CheckContext(institution_slug="x", dataset_id="x", resolver=resolver)
    snap = snapshot_with(url)
    return [
        f
        for name in ("source_url_safety", "reachability", "sample_conformance", "personal_data")
        for f in CHECKS[name](snap, context)
    ]


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
        "http://127.1:{port}/",
        "http://2130706433:{port}/",
        "http://localhost:{port}/",
    ],
)
def test_loopback_urls_are_unsafe_and_never_contacted(listener, template):
    url = template.format(port=listener.port)
    found = safety_findings(url)
    assert [f.detail.get("kind") for f in found] == ["unsafe"], found
    assert found[0].message.startswith("Unsafe source URL")
    assert listener.connections() == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.10/data.csv", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::1]/", "private"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://100.64.0.1/", "non-public"),
        # IANA special-purpose blocks that some Python releases call global (an outside probe
        # had a webhook at 192.0.0.8 accepted).
        ("http://192.0.0.8/", "non-public"),
        ("http://198.18.0.1/", "non-public|private"),
        ("http://[100::1]/", "non-public|private"),
        ("http://[2001:db8::1]/", "non-public|private"),
        ("http://[3fff::1]/", "non-public"),
        ("http://[5f00::1]/", "non-public|reserved"),
        ("http://[fec0::1]/", "non-public"),
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("http://[2002:7f00:1::]/", "loopback"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:70/_GET", "scheme"),
        ("ftp://example.org/x.csv", "scheme"),
        ("http://user:secret@example.org/", "credentials"),
    ],
)
def test_non_public_addresses_and_schemes_are_refused(url, reason):
    with pytest.raises(sources.UnsafeURL, match=reason):
        sources.resolve_safely(url)
    assert [f.detail.get("kind") for f in safety_findings(url)] == ["unsafe"]


def test_public_looking_hostname_resolving_to_loopback_is_refused(listener):
    port = listener.port
    resolver = resolver_to("127.0.0.1")
    found = safety_findings(f"http://data.gov.example:{port}/beds.csv", resolver=resolver)
    assert [f.detail.get("kind") for f in found] == ["unsafe"]
    assert "loopback" in found[0].message
    assert listener.connections() == 0


@pytest.mark.parametrize("address", ["10.1.2.3", "127.0.0.1", "fd00::5", "::ffff:192.168.7.9"])
def test_a_refused_name_does_not_repeat_its_address(address):
    """The refusal reaches the token holder who named the URL: naming internal hosts must not
    map a private network (an outside probe's note)."""
    with pytest.raises(sources.UnsafeURL) as refused:
        sources.resolve_safely("http://db.internal/x", resolver=resolver_to(address))
    assert "address" in str(refused.value)
    assert address not in str(refused.value)
    assert address.rsplit(":", 1)[-1] not in str(refused.value)


def test_a_public_source_redirecting_to_a_private_address_is_refused(listener, source_server):
    port = listener.port
    url = source_server.redirect("/moved.csv", f"http://127.0.0.1:{port}/secret")
    result = sources.fetch(url)
    assert result.unsafe and result.unsafe.startswith(f"redirect to http://127.0.0.1:{port}/secret")
    found = safety_findings(url)
    assert [f.detail.get("kind") for f in found] == ["unsafe"]
    assert listener.connections() == 0


def test_each_hop_is_resolved_once_and_connected_to_as_checked(source_server, settings):
    port = source_server.host_port.split(":")[1]
    settings.SUCHI_SOURCE_ALLOWLIST = [f"source.test:{port}"]
    resolver = resolver_to("127.0.0.1")
    result = sources.fetch(f"http://source.test:{port}/beds.csv", resolver=resolver)
    assert result.ok and result.status == 200
    # One resolution for one request: the connection went to the address that was checked,
    # leaving no window for DNS to answer differently.
    assert resolver.calls == ["source.test"]


def test_more_than_three_redirects_is_an_error(source_server):
    for n in range(5):
        source_server.redirect(f"/hop{n}", source_server.url(f"/hop{n + 1}"))
    source_server.serve("/hop5", b"x")
    result = sources.fetch(source_server.url("/hop0"))
    assert result.error == "more than 3 redirects"
    three = sources.fetch(source_server.url("/hop2"))
    assert three.ok and three.body == b"x" and len(three.redirects) == 3


def test_an_unresolvable_host_is_unreachable_not_unsafe():
    found = safety_findings("https://no-such-host.invalid/data.csv")
    assert [f.detail.get("kind") for f in found] == ["unreachable"]
    assert "does not resolve" in found[0].message


def test_endless_response_stops_at_the_bound(source_server):
    url = source_server.handle("/endless.csv", endless())
    result = sources.fetch(url)
    assert result.ok
    assert len(result.body) == sources.MAX_SAMPLE_BYTES
    assert result.complete is False


def test_one_gigabyte_declared_response_stops_at_the_bound(source_server):
    url = source_server.handle("/huge.csv", endless(b"0123456789" * 6553))
    result = sources.fetch(url, max_bytes=64 * 1024)
    assert len(result.body) == 64 * 1024 and not result.complete


def test_gzip_bomb_is_decompressed_only_up_to_the_bound(source_server):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MiB → ~200 KiB
    url = source_server.serve("/bomb.csv", bomb, headers={"Content-Encoding": "gzip"})
    result = sources.fetch(url)
    assert result.ok
    assert len(result.body) == sources.MAX_SAMPLE_BYTES
    assert result.complete is False


def test_small_gzip_response_is_decoded_completely(source_server):
    url = source_server.serve(
        "/small.csv", gzip.compress(b"a,b\n1,2\n"), headers={"Content-Encoding": "gzip"}
    )
    result = sources.fetch(url)
    assert (result.body, result.complete) == (b"a,b\n1,2\n", True)


def test_a_server_sending_one_byte_a_second_times_out(source_server):
    url = source_server.handle("/drip.csv", drip(delay=1.0, total=60))
    result = sources.fetch(url, total_timeout=2.0)
    assert result.error == "timed out after 2 s"
    assert result.elapsed < 4


def test_connect_to_a_closed_port_is_an_error_not_an_exception(settings):
    port = free_port()
    settings.SUCHI_SOURCE_ALLOWLIST = [f"127.0.0.1:{port}"]
    result = sources.fetch(f"http://127.0.0.1:{port}/x")
    # In plain words, not the operating system's ("[Errno 111] Connection refused").
    assert result.error == "the connection was refused"


def test_a_body_cut_off_before_its_content_length_is_an_error_not_a_short_file(source_server):
    """http.client lets a connection closed early pass as the end of the body: a CSV cut in
    the middle of a row would be validated (and blamed on its institution) as a ragged file."""

    def cut_off(request):
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", "1000")
        request.end_headers()
        request.wfile.write(b"district,beds\nMysuru,6")
        request.wfile.flush()
        request.close_connection = True

    result = sources.fetch(source_server.handle("/cut.csv", cut_off))
    assert not result.ok
    assert result.error == "the connection closed before the whole answer arrived"
