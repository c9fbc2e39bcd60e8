"""servers.runner builds command lines that Rasa's own argument parser reads as meant."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from servers.runner import RASA, Server, rasa_server
from wijkveiligheid.settings import SettingsError, settings


@pytest.mark.parametrize("token", ["-begint-met-streepje", "--ook-dit", "gewoon_token"])
def test_any_api_token_reaches_rasa_as_the_token(monkeypatch, tmp_path, token):
    # secrets.token_urlsafe can start with "-", which argparse would take for an option.
    monkeypatch.setenv("RASA_API_TOKEN", token)
    server = rasa_server(Path("models/veiligheid.tar.gz"), port=5999, work_dir=tmp_path)
    args = create_argument_parser().parse_args(server.command[len(RASA):])
    assert args.auth_token == token == server.api_token
    assert args.enable_api and args.interface == "127.0.0.1"


def test_servers_send_no_telemetry_to_rasa(monkeypatch, tmp_path):
    monkeypatch.delenv("RASA_TELEMETRY_ENABLED", raising=False)
    probe = Server(name="probe", health_url="", public_url="", command=[
        sys.executable, "-c", "import os; print(os.environ.get('RASA_TELEMETRY_ENABLED'))"])
    probe.start(tmp_path)
    probe.process.wait(timeout=30)
    assert (tmp_path / "probe.log").read_text().strip() == "false"


def test_rasa_allows_every_widget_origin_of_the_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("WIDGET_ORIGINS", raising=False)
    server = rasa_server(Path("models/veiligheid.tar.gz"), port=5999, work_dir=tmp_path)
    args = create_argument_parser().parse_args(server.command[len(RASA):])
    assert args.cors == ["http://localhost:8000", "http://127.0.0.1:8000"]  # `make run`
    monkeypatch.setenv("WIDGET_ORIGINS", " https://www.rotterdam.nl, https://wijk.example ")
    server = rasa_server(Path("models/veiligheid.tar.gz"), port=5999, work_dir=tmp_path)
    args = create_argument_parser().parse_args(server.command[len(RASA):])
    assert args.cors == ["https://www.rotterdam.nl", "https://wijk.example"]


@pytest.mark.parametrize("bad", ["*", "https://www.rotterdam.nl/pad", "www.rotterdam.nl"])
def test_a_widget_origin_that_is_no_origin_stops_the_start(monkeypatch, bad):
    monkeypatch.setenv("WIDGET_ORIGINS", f"http://localhost:8000,{bad}")
    with pytest.raises(SettingsError, match="WIDGET_ORIGINS"):
        settings()
