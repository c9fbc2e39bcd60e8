"""deploy/nginx.conf in front of the real Rasa server: only the chat endpoint is public,
and the size and rate limits act.

The shipped file is filled in as `envsubst` would (localhost ports, a self-signed
certificate made here, temporary paths) and run by Debian's nginx.
"""
from __future__ import annotations

import datetime
import ipaddress
import re
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from servers.runner import WIDGET_ORIGIN, free_port
from wijkveiligheid.settings import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def render(template: str, values: Dict[str, str]) -> str:
    """Fills in ${NAME} as `envsubst '${NAME} ...'` does; a name left open is an error."""
    missing = set(PLACEHOLDER.findall(template)) - set(values)
    assert not missing, f"no value for {missing}"
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def self_signed(folder: Path) -> tuple:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Proxy:
    def __init__(self, https_port: int, http_port: int, certificate: Path) -> None:
        self.base = f"https://localhost:{https_port}"
        self.http_base = f"http://127.0.0.1:{http_port}"
        self.certificate = str(certificate)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 120)
        return requests.request(method, self.base + path, verify=self.certificate, **kwargs)

    def chat(self, message: str, sender: str = "") -> requests.Response:
        return self.request("POST", "/webhooks/rest/webhook", headers={"Origin": WIDGET_ORIGIN},
                            json={"sender": sender or f"nginx-{uuid.uuid4()}",
                                  "message": message})


@pytest.fixture(scope="module")
def proxy(servers, tmp_path_factory):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx not found; install Debian's nginx package")
    prefix = tmp_path_factory.mktemp("nginx")
    certificate, key = self_signed(prefix)
    https_port, http_port = free_port(), free_port()
    rasa_port = servers["rasa"].public_url.split(":")[2].split("/")[0]
    site = render(TEMPLATE.read_text(encoding="utf-8"), {
        "PUBLIC_HOST": "localhost",
        "LISTEN_HTTPS": f"127.0.0.1:{https_port}",
        "LISTEN_HTTP": f"127.0.0.1:{http_port}",
        "TLS_CERTIFICATE": str(certificate),
        "TLS_CERTIFICATE_KEY": str(key),
        "RASA_SERVERS": f"server 127.0.0.1:{rasa_port};",
        "WIDGET_ORIGIN": WIDGET_ORIGIN,
        "ACCESS_LOG": str(prefix / "access.log"),
    })
    (prefix / "veiligheid.conf").write_text(site, encoding="utf-8")
    # The main file Debian ships, reduced to what a test run needs: its own paths.
    (prefix / "nginx.conf").write_text(f"""
        worker_processes 1;
        pid {prefix}/nginx.pid;
        events {{ worker_connections 256; }}
        http {{
            default_type application/octet-stream;
            client_body_temp_path {prefix}/body;
            proxy_temp_path {prefix}/proxy;
            fastcgi_temp_path {prefix}/fastcgi;
            uwsgi_temp_path {prefix}/uwsgi;
            scgi_temp_path {prefix}/scgi;
            include {prefix}/veiligheid.conf;
        }}
    """, encoding="utf-8")
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
               "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    proxy = Proxy(https_port, http_port, certificate)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                proxy.request("GET", "/", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, (prefix / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.2)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_normal_message_passes_with_tls_exact_cors_and_security_headers(proxy):
    response = proxy.chat("hoe werkt cameratoezicht eigenlijk?")
    assert response.status_code == 200
    assert "cameratoezicht" in response.json()[0]["text"].lower()
    headers = response.headers
    assert headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN  # one value, exactly
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert headers["Server"] == "nginx"  # no version


def test_cors_preflight_names_only_the_widget_origin(proxy):
    response = proxy.request("OPTIONS", "/webhooks/rest/webhook", headers={
        "Origin": WIDGET_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_the_widget_reads_the_message_limit_through_the_proxy_with_get_only(proxy):
    response = proxy.request("GET", "/webhooks/rest/instellingen", headers={"Origin": WIDGET_ORIGIN})
    assert response.json() == {"max_lengte": MAX_MESSAGE_CHARS}
    assert response.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN  # exactly one
    assert proxy.request("POST", "/webhooks/rest/instellingen", json={}).status_code == 403


def test_plain_http_is_sent_to_https(proxy):
    response = requests.get(proxy.http_base + "/webhooks/rest/webhook", allow_redirects=False,
                            timeout=30)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_rasas_http_api_is_not_reachable_through_the_proxy(proxy, servers):
    sender = f"nginx-{uuid.uuid4()}"
    assert proxy.chat("hallo", sender).status_code == 200
    tracker = f"/conversations/{sender}/tracker"
    direct = servers["rasa"].health_url.split("/webhooks")[0]
    token = {"token": servers["rasa"].api_token}
    assert requests.get(direct + tracker, params=token, timeout=60).status_code == 200  # it is there...
    for method, path in [("GET", tracker), ("POST", f"/conversations/{sender}/messages"),
                         ("GET", "/model"), ("PUT", "/model"), ("GET", "/status"),
                         ("GET", "/version"), ("GET", "/webhooks/rest/"), ("GET", "/")]:
        response = proxy.request(method, path)
        assert response.status_code == 404, (method, path)  # ...but not through nginx
        assert "Access-Control-Allow-Origin" not in response.headers
    assert proxy.request("GET", "/webhooks/rest/webhook").status_code == 403


def test_an_oversized_body_gets_413_with_a_dutch_answer(proxy):
    response = proxy.chat("a" * 20_000)
    assert response.status_code == 413
    assert "te lang" in response.json()["fout"]
    assert response.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN  # widget can read it


def test_too_many_messages_at_once_get_429_and_never_a_server_error(proxy):
    # Runs last in this file: it uses up this address's burst. 60 messages sent together
    # are far more than the burst of 20 that nginx lets through at 2 per second.
    with ThreadPoolExecutor(max_workers=30) as pool:
        responses = list(pool.map(lambda i: proxy.chat(f"hallo {i}"), range(60)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(429) > 0 and statuses.count(200) > 0
    assert set(statuses) <= {200, 429}
    refused = next(r for r in responses if r.status_code == 429)
    assert "Wacht even" in refused.json()["fout"]
    assert refused.headers["Access-Control-Allow-Origin"] == WIDGET_ORIGIN
