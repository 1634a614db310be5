"""Corporate networks: a forward proxy and a private CA, both on loopback; connection errors in words.

The sandbox is served over TLS with a certificate from a private CA (trustme), so the real TLS
stack verifies it; the proxy is a CONNECT tunnel that records where it was asked to go.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from tests.local_servers import (
    closed_port,
    connect_proxy,
    served_sandbox,
    silent_port,
)
from zoom_mcp.cli import run
from zoom_mcp.sandbox import Sandbox

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_env", "no_retries")]
CALL = ["call", "chat_list_channels", '{"page_size": 1}']


@dataclass
class TlsZoom:
    base: str
    ca_file: Path
    port: int


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("ca")
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    for extra in cert.cert_chain_pems[1:]:
        extra.write_to_path(str(cert_file), append=True)
    cert.private_key_pem.write_to_path(str(key_file))
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_zoom(private_ca: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsZoom]:
    """The sandbox at https://localhost:<port>, configured as the account."""
    ca_file, cert_file, key_file = private_ca
    box = Sandbox()
    with served_sandbox(box, certfile=cert_file, keyfile=key_file) as port:
        base = f"https://localhost:{port}"
        for name, value in box.settings_env(base_url=base).items():
            monkeypatch.setenv(name, value)
        yield TlsZoom(base, ca_file, port)


def test_private_ca_through_zoom_mcp_ca_bundle(
    tls_zoom: TlsZoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_MCP_CA_BUNDLE", str(tls_zoom.ca_file))
    assert run(CALL) == 0
    assert "channels[1]" in capsys.readouterr().out


def test_private_ca_through_ssl_cert_file(
    tls_zoom: TlsZoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_zoom.ca_file))
    assert run(CALL) == 0


def test_untrusted_certificate_names_the_host_and_the_fix(
    tls_zoom: TlsZoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A static token: the failure is the executor's own, on the API request.
    monkeypatch.setenv("ZOOM_ACCESS_TOKEN", "a-static-token-0123456789")
    assert run(CALL) == 1
    out = capsys.readouterr().out
    assert "TLS verification failed for localhost" in out and "ZOOM_MCP_CA_BUNDLE" in out
    assert "temporary problem" not in out


def test_untrusted_token_endpoint_names_the_host_and_the_fix(
    tls_zoom: TlsZoom, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(CALL) == 1
    out = capsys.readouterr().out
    assert "TLS verification failed for localhost" in out and "ZOOM_MCP_CA_BUNDLE" in out


def test_untrusted_certificate_in_doctor(tls_zoom: TlsZoom, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "token:       FAILED: TLS verification failed for localhost" in out and "ZOOM_MCP_CA_BUNDLE" in out


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
def test_through_a_forward_proxy(
    variable: str, tls_zoom: TlsZoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_MCP_CA_BUNDLE", str(tls_zoom.ca_file))
    with connect_proxy() as proxy:
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.port}")
        assert run(CALL) == 0
    assert proxy.tunnels and set(proxy.tunnels) == {f"localhost:{tls_zoom.port}"}


def test_a_proxy_that_cannot_reach_the_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        _static_account(monkeypatch, f"https://localhost:{closed_port()}")
        assert run(CALL) == 1
    out = capsys.readouterr().out
    assert "the proxy would not connect to localhost" in out and "HTTPS_PROXY" in out


def test_no_proxy_bypasses_the_proxy(
    tls_zoom: TlsZoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZOOM_MCP_CA_BUNDLE", str(tls_zoom.ca_file))
    with connect_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("NO_PROXY", "localhost")
        assert run(CALL) == 0
    assert proxy.tunnels == []


def test_the_sandbox_never_goes_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    with connect_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        assert run(["--sandbox", *CALL]) == 0
    assert proxy.tunnels == []


def _static_account(monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    monkeypatch.setenv("ZOOM_ACCESS_TOKEN", "a-static-token-0123456789")
    monkeypatch.setenv("ZOOM_API_BASE_URL", f"{base}/v2")


def test_refused_connection(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _static_account(monkeypatch, f"http://127.0.0.1:{closed_port()}")
    assert run(CALL) == 1
    out = capsys.readouterr().out
    assert "127.0.0.1 refused the connection" in out and "check the address and port" in out


def test_unknown_host(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _static_account(monkeypatch, "https://zoom-mcp-test.invalid")
    assert run(CALL) == 1
    assert "zoom-mcp-test.invalid could not be found (DNS)" in capsys.readouterr().out


def test_timeout(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with silent_port() as port:
        _static_account(monkeypatch, f"http://127.0.0.1:{port}")
        monkeypatch.setenv("ZOOM_MCP_TIMEOUT", "0.5")
        assert run(CALL) == 1
    assert "127.0.0.1 did not answer within 0.5 s (timeout)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("ZOOM_MCP_CA_BUNDLE", "/nonexistent/ca.pem", "ZOOM_MCP_CA_BUNDLE"),
        ("HTTPS_PROXY", "ftp://someone:proxy-password-0123@proxy.example:21", "proxy"),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem", "SSL_CERT_FILE"),
    ],
)
def test_unusable_network_settings_are_one_line(
    name: str, value: str, words: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, value)
    _static_account(monkeypatch, "https://api.zoom.us")
    assert run(CALL) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert "proxy-password-0123" not in err
