"""The aioquic QUIC endpoint of panther-host: server and client in one program.

Settings come from the environment, as the endpoint contract says: ROLE, TESTCASE,
SSLKEYLOGFILE, QLOGDIR, and LISTEN, WWW, CERTS for the server, REQUESTS, DOWNLOADS,
CERTS for the client. The server serves files over hq-interop (HTTP/0.9), or over h3
for the http3 test case; the client downloads REQUESTS and exits 0 when every file
arrived whole. An unsupported TESTCASE exits 127 at once.
"""

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from aioquic.asyncio import QuicConnectionProtocol
from aioquic.asyncio.server import QuicServer
from aioquic.h0.connection import H0_ALPN, H0Connection
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, H3Event, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.connection import QuicConnection
from aioquic.quic.events import (
    ConnectionTerminated,
    HandshakeCompleted,
    ProtocolNegotiated,
    QuicEvent,
    StreamReset,
)
from aioquic.quic.logger import QuicFileLogger
from aioquic.tls import CipherSuite, SessionTicket, SessionTicketHandler
from cryptography import x509

SUPPORTED_TESTCASES = frozenset(
    {
        "handshake",
        "transfer",
        "multiplexing",
        "http3",
        "retry",
        "resumption",
        "zerortt",
        "chacha20",
        "keyupdate",
    }
)
EXIT_UNSUPPORTED = 127

# Initial flow-control windows; aioquic doubles them as they fill, so files of tens
# of MB flow without stalls.
MAX_DATA = 16 * 1024 * 1024
MAX_STREAM_DATA = 16 * 1024 * 1024

# hq-interop has no status codes: the server resets the stream of a request it
# cannot answer with this application error code.
HQ_REQUEST_FAILED = 0x1

# How long the client waits, after its first connection's downloads, for the
# session ticket of the resumption and zerortt test cases.
TICKET_WAIT_SECONDS = 5.0


class EndpointError(Exception):
    """A failure reported as one line on stderr, with exit code 1."""


def require_env(name: str) -> str:
    """Return the environment variable `name`, or fail if it is unset or empty."""
    value = os.environ.get(name, "")
    if not value:
        raise EndpointError(f"environment variable {name} is not set")
    return value


def alpn_for(is_client: bool, testcase: str) -> list[str]:
    """Return the ALPN list of a test case: a client offers h3 for http3 and
    hq-interop otherwise; a server also accepts h3 for the other test cases, so that
    clients that speak only HTTP/3 (ngtcp2's) can run them."""
    if testcase == "http3":
        return H3_ALPN
    return H0_ALPN if is_client else H0_ALPN + H3_ALPN


def base_configuration(is_client: bool, testcase: str) -> QuicConfiguration:
    """Build the configuration both roles share: ALPN, flow control, key log, qlog."""
    qlog_dir = require_env("QLOGDIR")
    os.makedirs(qlog_dir, exist_ok=True)
    return QuicConfiguration(
        is_client=is_client,
        alpn_protocols=alpn_for(is_client, testcase),
        max_data=MAX_DATA,
        max_stream_data=MAX_STREAM_DATA,
        quic_logger=QuicFileLogger(qlog_dir),
        secrets_log_file=open(require_env("SSLKEYLOGFILE"), "a"),
    )


def make_http(quic: QuicConnection, alpn: str) -> H0Connection | H3Connection:
    """Return the HTTP layer for a negotiated ALPN: HTTP/3 for h3, HTTP/0.9 else."""
    return H3Connection(quic) if alpn in H3_ALPN else H0Connection(quic)


# Server


def parse_listen(listen: str) -> tuple[str, int]:
    """Split LISTEN (`ADDR:PORT` or `[V6ADDR]:PORT`) into host and port."""
    host, _, port = listen.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or not port.isdigit():
        raise EndpointError(f"LISTEN={listen!r} is not ADDR:PORT")
    return host, int(port)


def format_address(host: str, port: int) -> str:
    """Format an address as ADDR:PORT, with brackets around an IPv6 address."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def read_file(www: Path, path: str) -> bytes | None:
    """Return the bytes of the file a request path names under `www`, or None.

    None when the path leaves `www`, names no regular file, or cannot be read.
    """
    try:
        candidate = (www / path.lstrip("/")).resolve()
        if candidate.is_relative_to(www) and candidate.is_file():
            return candidate.read_bytes()
    except (OSError, ValueError):
        pass
    return None


class SessionTicketStore:
    """In-memory session tickets the server issued, each usable once."""

    def __init__(self) -> None:
        self._tickets: dict[bytes, SessionTicket] = {}

    def add(self, ticket: SessionTicket) -> None:
        """Keep a ticket the server just issued."""
        self._tickets[ticket.ticket] = ticket

    def pop(self, label: bytes) -> SessionTicket | None:
        """Hand out (and forget) the ticket a client presents, if it is known."""
        return self._tickets.pop(label, None)


class FileServerProtocol(QuicConnectionProtocol):
    """One server connection: answers every GET with a file from WWW."""

    def __init__(self, *args, www: Path, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._www = www
        self._http: H0Connection | H3Connection | None = None

    def quic_event_received(self, event: QuicEvent) -> None:
        """Pick the HTTP layer once ALPN is negotiated, then feed it every event."""
        if isinstance(event, ProtocolNegotiated):
            self._http = make_http(self._quic, event.alpn_protocol)
        if self._http is None:
            return
        for http_event in self._http.handle_event(event):
            if isinstance(http_event, HeadersReceived):
                self._answer(http_event)

    def _answer(self, request: HeadersReceived) -> None:
        """Send the requested file, or a 404 (h3) / stream reset (hq-interop)."""
        headers = dict(request.headers)
        path = headers.get(b":path", b"").decode(errors="replace")
        body = None
        if headers.get(b":method") == b"GET":
            body = read_file(self._www, path)
        if body is None:
            print(f"cannot serve {path!r}", file=sys.stderr, flush=True)
        self._send_response(request.stream_id, body)
        self.transmit()

    def _send_response(self, stream_id: int, body: bytes | None) -> None:
        """Write `body` (None: no such file) as the response on `stream_id`."""
        if isinstance(self._http, H3Connection):
            if body is None:
                status = [(b":status", b"404")]
                self._http.send_headers(stream_id, status, end_stream=True)
                return
            length = str(len(body)).encode()
            status = [(b":status", b"200"), (b"content-length", length)]
            self._http.send_headers(stream_id, status)
            self._http.send_data(stream_id, body, end_stream=True)
        elif body is None:
            self._quic.reset_stream(stream_id, HQ_REQUEST_FAILED)
        else:
            self._http.send_data(stream_id, body, end_stream=True)


def server_configuration(testcase: str) -> QuicConfiguration:
    """Build the server configuration with CERTS/cert.pem and CERTS/priv.key."""
    certs = Path(require_env("CERTS"))
    configuration = base_configuration(is_client=False, testcase=testcase)
    configuration.load_cert_chain(certs / "cert.pem", certs / "priv.key")
    return configuration


async def run_server(testcase: str) -> None:
    """Serve WWW on LISTEN until SIGTERM or SIGINT; retry only for `retry`."""
    host, port = parse_listen(require_env("LISTEN"))
    www = Path(require_env("WWW")).resolve()
    configuration = server_configuration(testcase)
    tickets = SessionTicketStore()
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(
        lambda: QuicServer(
            configuration=configuration,
            create_protocol=partial(FileServerProtocol, www=www),
            session_ticket_fetcher=tickets.pop,
            session_ticket_handler=tickets.add,
            retry=testcase == "retry",
        ),
        local_addr=(host, port),
    )
    bound_port = transport.get_extra_info("sockname")[1]
    print(f"listening on {format_address(host, bound_port)}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        stop_on(loop, signum, stop)
    await stop.wait()
    server.close()


def stop_on(loop: asyncio.AbstractEventLoop, signum: int, stop: asyncio.Event) -> None:
    """Set `stop` when `signum` arrives.

    The loop's own signal handling checks its wakeup socket with fstat, which the
    Shadow simulator does not answer for sockets; a plain handler then hands the
    signal to the loop instead.
    """
    try:
        loop.add_signal_handler(signum, stop.set)
    except RuntimeError:
        signal.signal(signum, lambda _signum, _frame: loop.call_soon_threadsafe(stop.set))


# Client


@dataclass
class Request:
    """One URL to download and the file it is written to."""

    url: str
    path: str
    target: Path


def parse_requests(requests: str, downloads: Path) -> tuple[str, int, list[Request]]:
    """Parse REQUESTS into the one server's host and port and the requests."""
    authorities = set()
    parsed = []
    for url in requests.split():
        parts = urlsplit(url)
        name = Path(parts.path).name
        if parts.scheme != "https" or not parts.hostname or not name:
            raise EndpointError(f"request {url!r} is not https://HOST:PORT/FILE")
        authorities.add((parts.hostname, parts.port or 443))
        parsed.append(Request(url, parts.path, downloads / name))
    if len(authorities) != 1:
        raise EndpointError("REQUESTS must name exactly one server")
    host, port = authorities.pop()
    return host, port, parsed


class Download:
    """A response being written to its file; `done` resolves when it is whole."""

    def __init__(self, request: Request, is_h3: bool) -> None:
        self.request = request
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._file = open(request.target, "wb")
        self._status_ok = not is_h3

    def headers(self, headers: list[tuple[bytes, bytes]]) -> None:
        """Check the h3 response status (hq-interop responses have no headers)."""
        status = dict(headers).get(b":status")
        if status is not None:
            self._status_ok = status == b"200"
            if not self._status_ok:
                self.fail(f"status {status.decode(errors='replace')}")

    def data(self, data: bytes, ended: bool) -> None:
        """Append body bytes; the end of the stream completes the download."""
        if self.done.done():
            return
        self._file.write(data)
        if ended:
            self._file.close()
            if self._status_ok:
                self.done.set_result(None)
            else:
                self.fail("response without status 200")

    def fail(self, reason: str) -> None:
        """End the download as failed."""
        self._file.close()
        if not self.done.done():
            self.done.set_exception(EndpointError(f"{self.request.url}: {reason}"))


class FileClientProtocol(QuicConnectionProtocol):
    """One client connection: sends GET requests and writes the responses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        alpn = self._quic.configuration.alpn_protocols[0]
        self._http = make_http(self._quic, alpn)
        self._downloads: dict[int, Download] = {}
        # Resolves to the HandshakeCompleted event, or to None if the connection
        # closed first (with the reason in _close_reason).
        self._handshake: asyncio.Future[HandshakeCompleted | None] = (
            self._loop.create_future()
        )
        self._close_reason = ""

    def get(self, request: Request) -> asyncio.Future[None]:
        """Send a GET for `request` on a new stream; return its completion."""
        stream_id = self._quic.get_next_available_stream_id()
        parts = urlsplit(request.url)
        self._http.send_headers(
            stream_id,
            [
                (b":method", b"GET"),
                (b":scheme", b"https"),
                (b":authority", parts.netloc.encode()),
                (b":path", request.path.encode()),
            ],
            end_stream=True,
        )
        download = Download(request, isinstance(self._http, H3Connection))
        self._downloads[stream_id] = download
        self.transmit()
        return download.done

    async def handshake_completed(self) -> HandshakeCompleted:
        """Wait for the handshake; fail with the close reason if it never completes."""
        handshake = await asyncio.shield(self._handshake)
        if handshake is None:
            raise EndpointError(f"handshake failed: {self._close_reason}")
        return handshake

    def quic_event_received(self, event: QuicEvent) -> None:
        """Track the handshake, stream resets and closes; feed the HTTP layer."""
        if isinstance(event, HandshakeCompleted) and not self._handshake.done():
            self._handshake.set_result(event)
        elif isinstance(event, StreamReset) and event.stream_id in self._downloads:
            self._downloads[event.stream_id].fail(
                f"stream reset ({event.error_code:#x})"
            )
        elif isinstance(event, ConnectionTerminated):
            self._terminated(event)
        for http_event in self._http.handle_event(event):
            self._http_event_received(http_event)

    def _http_event_received(self, event: H3Event) -> None:
        """Route a response's headers and body to its download."""
        if not isinstance(event, (HeadersReceived, DataReceived)):
            return
        download = self._downloads.get(event.stream_id)
        if download is None:
            return
        if isinstance(event, HeadersReceived):
            download.headers(event.headers)
            if event.stream_ended:
                download.data(b"", ended=True)
        else:
            download.data(event.data, event.stream_ended)

    def _terminated(self, event: ConnectionTerminated) -> None:
        """Fail the handshake and every unfinished download with the close reason."""
        reason = f"connection closed (error {event.error_code:#x}"
        reason += f": {event.reason_phrase})" if event.reason_phrase else ")"
        self._close_reason = reason
        if not self._handshake.done():
            self._handshake.set_result(None)
        for download in self._downloads.values():
            download.fail(reason)


def client_configuration(testcase: str, host: str) -> QuicConfiguration:
    """Build the client configuration, verifying the server against CERTS/ca.pem.

    aioquic checks the certificate against `server_name`, which may be an IP
    address (matched against the certificate's IP subjectAltName). The CA file is
    read and parsed here so that a missing or broken one fails at once, not in the
    middle of the handshake.
    """
    ca_path = Path(require_env("CERTS")) / "ca.pem"
    ca = ca_path.read_bytes()
    try:
        x509.load_pem_x509_certificates(ca)
    except ValueError:
        raise EndpointError(f"{ca_path} holds no PEM certificate") from None
    configuration = base_configuration(is_client=True, testcase=testcase)
    configuration.server_name = host
    configuration.load_verify_locations(cadata=ca)
    if testcase == "chacha20":
        configuration.cipher_suites = [CipherSuite.CHACHA20_POLY1305_SHA256]
    return configuration


async def wait_downloads(transfers: list[asyncio.Future[None]]) -> None:
    """Wait until every download ends; fail with the first failure and a count."""
    results = await asyncio.gather(*transfers, return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        count = f"{len(failures)} of {len(results)} downloads failed"
        raise EndpointError(f"{count}, first: {failures[0]}")


@asynccontextmanager
async def connect(
    host: str,
    port: int,
    configuration: QuicConfiguration,
    ticket_handler: SessionTicketHandler | None,
) -> AsyncGenerator[FileClientProtocol, None]:
    """A connection to `host`:`port` from a UDP socket of the server address's family.

    aioquic's own `connect` always binds a dual-stack IPv6 socket, which a network
    without IPv6 refuses (the Shadow simulator's, a container's without it). The
    handshake starts with the first request, as with aioquic's `wait_connected=False`.
    """
    loop = asyncio.get_running_loop()
    family, _, _, _, address = (
        await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
    )[0]
    if configuration.server_name is None:
        configuration.server_name = host
    connection = QuicConnection(
        configuration=configuration, session_ticket_handler=ticket_handler
    )
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.bind(("0.0.0.0", 0) if family == socket.AF_INET else ("::", 0, 0, 0))
        transport, protocol = await loop.create_datagram_endpoint(
            lambda: FileClientProtocol(connection), sock=sock
        )
    except BaseException:
        sock.close()
        raise
    try:
        protocol.connect(address, transmit=False)
        yield protocol
    finally:
        protocol.close()
        await protocol.wait_closed()
        transport.close()


async def run_connection(
    host: str,
    port: int,
    configuration: QuicConfiguration,
    requests: list[Request],
    testcase: str,
    ticket_handler: SessionTicketHandler | None = None,
) -> HandshakeCompleted:
    """Open one connection, download `requests` on it, close it.

    A connection resuming a session in the zerortt test case sends its requests as
    0-RTT data; any other sends them once the handshake completes.
    """
    async with connect(host, port, configuration, ticket_handler) as protocol:
        if testcase == "zerortt" and configuration.session_ticket is not None:
            return await download_early(protocol, requests)
        return await download_after_handshake(protocol, requests, testcase)


async def download_early(
    protocol: FileClientProtocol, requests: list[Request]
) -> HandshakeCompleted:
    """Send every request before the handshake (0-RTT), then wait for all."""
    transfers = [protocol.get(request) for request in requests]
    protocol.transmit()
    await wait_downloads(transfers)
    return await protocol.handshake_completed()


async def download_after_handshake(
    protocol: FileClientProtocol, requests: list[Request], testcase: str
) -> HandshakeCompleted:
    """Complete the handshake, then send every request at once and wait for all.

    For keyupdate, a key update is requested first: aioquic performs it as soon as
    the handshake is confirmed, so it lands during the transfer.
    """
    protocol.transmit()
    handshake = await protocol.handshake_completed()
    if testcase == "keyupdate":
        protocol.request_key_update()
    await wait_downloads([protocol.get(request) for request in requests])
    return handshake


async def run_resumed(
    host: str, port: int, requests: list[Request], testcase: str
) -> None:
    """Download the first request on one connection, the rest on a resumed one."""
    ticket_arrived: asyncio.Future[SessionTicket] = (
        asyncio.get_running_loop().create_future()
    )

    def keep_ticket(ticket: SessionTicket) -> None:
        """Keep the first session ticket the server sends."""
        if not ticket_arrived.done():
            ticket_arrived.set_result(ticket)

    first = client_configuration(testcase, host)
    await run_connection(host, port, first, requests[:1], testcase, keep_ticket)
    try:
        ticket = await asyncio.wait_for(ticket_arrived, TICKET_WAIT_SECONDS)
    except asyncio.TimeoutError:
        raise EndpointError("the first connection received no session ticket") from None
    second = client_configuration(testcase, host)
    second.session_ticket = ticket
    handshake = await run_connection(host, port, second, requests[1:], testcase)
    print(
        f"second connection: session resumed: {handshake.session_resumed}, "
        f"early data accepted: {handshake.early_data_accepted}",
        flush=True,
    )


async def run_client(testcase: str) -> None:
    """Download every URL of REQUESTS into DOWNLOADS as the test case says.

    aioquic's own log lines are silenced: the contract wants a failing client to
    write exactly one line on stderr, and that line already carries the reason.
    """
    for name in ("quic", "http3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    downloads = Path(require_env("DOWNLOADS"))
    downloads.mkdir(parents=True, exist_ok=True)
    host, port, requests = parse_requests(require_env("REQUESTS"), downloads)
    if testcase in ("resumption", "zerortt"):
        await run_resumed(host, port, requests, testcase)
    else:
        configuration = client_configuration(testcase, host)
        await run_connection(host, port, configuration, requests, testcase)


def main() -> int:
    """Run the role ROLE names for TESTCASE; return the process exit code."""
    testcase = os.environ.get("TESTCASE", "")
    if testcase not in SUPPORTED_TESTCASES:
        print(f"aioquic endpoint: unsupported test case {testcase!r}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    role = os.environ.get("ROLE", "")
    runners = {"server": run_server, "client": run_client}
    try:
        if role not in runners:
            raise EndpointError(f"ROLE={role!r} is neither server nor client")
        asyncio.run(runners[role](testcase))
    except Exception as exc:  # the contract wants one line on stderr, whatever failed
        print(f"aioquic {role}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
