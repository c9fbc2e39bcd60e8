"""servers/lean_rasa.py: the Rasa server needs less memory and answers exactly the same."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from rasa.__main__ import create_argument_parser

from servers import lean_rasa
from servers.runner import rasa_server

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "veiligheid.tar.gz"
# Topic questions, a signal wish, a wijk, an emergency, small talk and nonsense.
MESSAGES = [
    "mogen wij als wijkraad meebeslissen over camera's?",
    "er wordt elke avond gedeald bij het speeltuintje in Charlois",
    "wat doet een stadsmarinier",
    "mijn bovenburen maken elke nacht herrie",
    "ik wil doorgeven dat er een kapper is waar nooit klanten komen",
    "er staat iemand met een mes voor mijn deur",
    "hallo",
    "camras bij de metro in Feijenoord",
    "qwerty asdf",
]


def parse_all(agent) -> list:
    async def parse():
        return [await agent.parse_message(text) for text in MESSAGES]
    return asyncio.run(parse())


@pytest.mark.e2e
def test_the_lean_load_answers_exactly_as_rasa_with_one_spacy_pipeline_and_no_optimizer(
        monkeypatch):
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test`, which trains first.")
    from rasa.core.agent import load_agent
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.utils.tensorflow.models import RasaModel

    # monkeypatch puts Rasa's own methods back after the test
    monkeypatch.setattr(SpacyNLP, "load_model", SpacyNLP.__dict__["load_model"])
    monkeypatch.setattr(RasaModel, "load", RasaModel.__dict__["load"])
    as_rasa = parse_all(asyncio.run(load_agent(model_path=str(MODEL))))

    lean_rasa.share_spacy_pipeline()
    lean_rasa.build_without_training_step()
    agent = asyncio.run(load_agent(model_path=str(MODEL)))
    assert parse_all(agent) == as_rasa  # same intents, confidences, rankings, entities
    assert SpacyNLP.load_model.cache_info().misses == 1  # provide and run node share it
    diet = next(node for name, node in agent.processor.graph_runner._instantiated_nodes.items()
                if name.startswith("run_DIETClassifier"))._component.model
    assert not diet.optimizer and diet.train_function is None  # never trained at load


def test_another_rasa_version_starts_rasa_unchanged(monkeypatch):
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    monkeypatch.setattr(SpacyNLP, "load_model", SpacyNLP.__dict__["load_model"])
    monkeypatch.setattr(lean_rasa, "RASA_VERSION", "0.0.0")
    monkeypatch.setitem(sys.modules, "jax", None)  # apply() blocks it; undone after the test
    assert lean_rasa.apply() is False
    assert not hasattr(SpacyNLP.load_model, "cache_info")


def test_the_runner_starts_rasa_through_lean_rasa_with_rasas_own_arguments(tmp_path):
    server = rasa_server(MODEL, port=5999, work_dir=tmp_path)
    assert server.command[1:3] == ["-m", "servers.lean_rasa"]
    args = create_argument_parser().parse_args(server.command[3:])
    assert args.model == str(MODEL) and args.port == 5999


@pytest.mark.e2e
def test_a_started_rasa_server_has_no_jax_loaded(servers):
    maps = Path(f"/proc/{servers['rasa'].process.pid}/maps").read_text()
    assert "libtensorflow_cc" in maps  # it is the Rasa server, with TensorFlow
    assert "jaxlib" not in maps


def test_production_starts_rasa_through_lean_rasa():
    unit = (ROOT / "deploy" / "veiligheid-rasa.service").read_text(encoding="utf-8")
    exec_start = next(line for line in unit.replace("\\\n", " ").splitlines()
                      if line.startswith("ExecStart="))
    words = exec_start.removeprefix("ExecStart=").split()
    assert words[:3] == ["/srv/veiligheid/.venv/bin/python", "-m", "servers.lean_rasa"]
    filled = [{"${RASA_INTERFACE}": "10.0.1.11", "$RASA_CORS": "https://www.rotterdam.nl"}
              .get(word, word) for word in words[3:]]
    args = create_argument_parser().parse_args(filled)
    assert args.endpoints == "endpoints.production.yml" and args.cors == [
        "https://www.rotterdam.nl"]
