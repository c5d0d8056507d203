"""End-to-end test of endpoint.py: a real server and a real client on 127.0.0.1.

Run it with the project's venv (scripts/install-python-packages makes it):
    .venv/bin/python plugins/services/iut/quic/aioquic/endpoint/test_endpoint.py
Each test case starts a server process on a free port, runs the client process
against it, and checks the downloads are byte-identical to the served files.
"""

import datetime
import ipaddress
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ENDPOINT = Path(__file__).with_name("endpoint.py")
PROCESS_TIMEOUT = 120
LISTEN_TIMEOUT = 30

SMALL = ["small.txt"]
LARGE = ["large-1.bin", "large-2.bin", "large-3.bin"]
MANY = [f"many-{index:02}.txt" for index in range(20)]


def certificate(subject: str, issuer_key, issuer: str, public_key, is_ca: bool):
    """Build a certificate valid for a day; a leaf one names 127.0.0.1."""
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(
            x509.SubjectAlternativeName(names), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_certificates(directory: Path) -> None:
    """Write ca.pem, and cert.pem with priv.key (PKCS#8) for 127.0.0.1 it signed."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("test CA", ca_key, "test CA", ca_key.public_key(), is_ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = certificate(
        "127.0.0.1", ca_key, "test CA", leaf_key.public_key(), is_ca=False
    )
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "cert.pem").write_bytes(leaf.public_bytes(pem))
    (directory / "priv.key").write_bytes(
        leaf_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def make_www(directory: Path) -> None:
    """Fill WWW: one small file, three 3 MB random files, twenty small files."""
    (directory / SMALL[0]).write_bytes(b"hello from the aioquic endpoint\n")
    for name in LARGE:
        (directory / name).write_bytes(os.urandom(3 * 1024 * 1024))
    for index, name in enumerate(MANY):
        (directory / name).write_bytes(os.urandom(100 + index * 37))


def qlog_events(directory: Path) -> list[dict]:
    """Return every event of every qlog file in `directory`."""
    events = []
    for path in directory.glob("*.qlog"):
        for trace in json.loads(path.read_text())["traces"]:
            events.extend(trace["events"])
    return events


class Server:
    """The endpoint as a server process, started on a free port of 127.0.0.1."""

    def __init__(self, testcase: str, certs: Path, www: Path, work: Path) -> None:
        self.qlog = work / "server-qlog"
        self.stderr_path = work / "server.stderr"
        env = dict(
            os.environ,
            ROLE="server",
            TESTCASE=testcase,
            LISTEN="127.0.0.1:0",
            WWW=str(www),
            CERTS=str(certs),
            SSLKEYLOGFILE=str(work / "server.keys"),
            QLOGDIR=str(self.qlog),
        )
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(ENDPOINT)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        self.address = self._wait_listening()

    def _wait_listening(self) -> str:
        """Read the `listening on ADDR:PORT` line; return ADDR:PORT."""
        ready, _, _ = select.select([self.process.stdout], [], [], LISTEN_TIMEOUT)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("listening on "):
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not listen: {line!r}, {self.stderr()}")
        return line.split()[-1]

    def stderr(self) -> str:
        """Return what the server wrote on stderr so far."""
        return self.stderr_path.read_text()

    def stop(self) -> int:
        """Send SIGTERM and return the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=PROCESS_TIMEOUT)
        finally:
            self.process.stdout.close()


class EndpointTest(unittest.TestCase):
    """Runs the endpoint's server and client against each other, per test case."""

    @classmethod
    def setUpClass(cls) -> None:
        """Make the certificates and the served files once for every test."""
        cls.shared = tempfile.TemporaryDirectory(prefix="aioquic-endpoint-")
        root = Path(cls.shared.name)
        cls.certs = root / "certs"
        cls.www = root / "www"
        cls.certs.mkdir()
        cls.www.mkdir()
        make_certificates(cls.certs)
        make_www(cls.www)

    @classmethod
    def tearDownClass(cls) -> None:
        """Remove the certificates and the served files."""
        cls.shared.cleanup()

    def setUp(self) -> None:
        """Give each test its own directory for downloads, key logs and qlogs."""
        self.scratch = tempfile.TemporaryDirectory(prefix="aioquic-endpoint-run-")
        self.work = Path(self.scratch.name)
        self.addCleanup(self.scratch.cleanup)

    def start_server(self, testcase: str) -> Server:
        """Start a server for `testcase`; on cleanup check SIGTERM ends it with 0."""
        server = Server(testcase, self.certs, self.www, self.work)

        def stop() -> None:
            """Stop the server and check it exited cleanly."""
            self.assertEqual(server.stop(), 0, server.stderr())

        self.addCleanup(stop)
        return server

    def run_client(
        self, testcase: str, address: str, names: list[str]
    ) -> subprocess.CompletedProcess:
        """Run the client for `testcase`, requesting `names` from `address`."""
        env = dict(
            os.environ,
            ROLE="client",
            TESTCASE=testcase,
            REQUESTS=" ".join(f"https://{address}/{name}" for name in names),
            DOWNLOADS=str(self.work / "downloads"),
            CERTS=str(self.certs),
            SSLKEYLOGFILE=str(self.work / "client.keys"),
            QLOGDIR=str(self.work / "client-qlog"),
        )
        return subprocess.run(
            [sys.executable, str(ENDPOINT)],
            env=env,
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT,
        )

    def download(self, testcase: str, names: list[str]) -> subprocess.CompletedProcess:
        """Serve and download `names` for `testcase`; check every file and key log."""
        server = self.start_server(testcase)
        result = self.run_client(testcase, server.address, names)
        self.assertEqual(result.returncode, 0, f"{result.stderr}\n{server.stderr()}")
        for name in names:
            downloaded = (self.work / "downloads" / name).read_bytes()
            self.assertEqual(downloaded, (self.www / name).read_bytes(), name)
        self.assertTrue((self.work / "client.keys").read_text().strip())
        self.assertTrue((self.work / "server.keys").read_text().strip())
        self.assertTrue(list((self.work / "client-qlog").glob("*.qlog")))
        return result

    def client_events(self, name: str) -> list[dict]:
        """Return the client's qlog events named `name` (e.g. transport:packet_sent)."""
        events = qlog_events(self.work / "client-qlog")
        return [event for event in events if event["name"] == name]

    def test_handshake(self) -> None:
        """One small file on one connection."""
        self.download("handshake", SMALL)

    def test_transfer(self) -> None:
        """Three 3 MB files on one connection."""
        self.download("transfer", LARGE)

    def test_multiplexing(self) -> None:
        """Twenty small files on concurrent streams of one connection."""
        self.download("multiplexing", MANY)

    def test_http3(self) -> None:
        """Three 3 MB files over h3."""
        self.download("http3", LARGE)

    def test_retry(self) -> None:
        """The server sends a Retry; the client follows it."""
        self.download("retry", SMALL)
        received = self.client_events("transport:packet_received")
        types = {event["data"]["header"]["packet_type"] for event in received}
        self.assertIn("retry", types)

    def test_resumption(self) -> None:
        """The second connection resumes the first one's TLS session."""
        result = self.download("resumption", SMALL + MANY[:3])
        self.assertIn("session resumed: True", result.stdout)

    def test_zerortt(self) -> None:
        """The second connection sends its requests as accepted 0-RTT data."""
        result = self.download("zerortt", SMALL + MANY[:3])
        self.assertIn("early data accepted: True", result.stdout)
        self.assertIn(
            "CLIENT_EARLY_TRAFFIC_SECRET", (self.work / "client.keys").read_text()
        )
        sent = self.client_events("transport:packet_sent")
        early = [e for e in sent if e["data"]["header"]["packet_type"] == "0RTT"]
        frames = [frame["frame_type"] for e in early for frame in e["data"]["frames"]]
        self.assertIn("stream", frames)

    def test_chacha20(self) -> None:
        """A client offering only TLS_CHACHA20_POLY1305_SHA256 downloads a file."""
        self.download("chacha20", SMALL + LARGE[:1])

    def test_keyupdate(self) -> None:
        """The client updates its keys during a 3 MB download."""
        self.download("keyupdate", LARGE[:1])
        updates = self.client_events("security:key_updated")
        triggers = {event["data"]["trigger"] for event in updates}
        self.assertIn("local_update", triggers)

    def test_missing_file_fails(self) -> None:
        """A file the server lacks makes the client exit 1 with one stderr line."""
        for testcase in ("handshake", "http3"):
            with self.subTest(testcase=testcase):
                server = self.start_server(testcase)
                result = self.run_client(testcase, server.address, SMALL + ["absent"])
                self.assertEqual(result.returncode, 1)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertIn("absent", result.stderr)

    def test_alpn_mismatch_fails(self) -> None:
        """An hq-interop client cannot download from an h3 server."""
        server = self.start_server("http3")
        result = self.run_client("handshake", server.address, SMALL)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)

    def test_unsupported_testcase(self) -> None:
        """An unsupported test case exits 127 with one stderr line, in both roles."""
        for role in ("server", "client"):
            with self.subTest(role=role):
                result = subprocess.run(
                    [sys.executable, str(ENDPOINT)],
                    env=dict(os.environ, ROLE=role, TESTCASE="ecn"),
                    capture_output=True,
                    text=True,
                    timeout=PROCESS_TIMEOUT,
                )
                self.assertEqual(result.returncode, 127)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)


if __name__ == "__main__":
    outcome = unittest.main(verbosity=2, exit=False).result
    failed = len(outcome.failures) + len(outcome.errors)
    passed = max(outcome.testsRun - failed - len(outcome.skipped), 0)
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if outcome.wasSuccessful() else 1)
