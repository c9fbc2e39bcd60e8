"""`rasa` with less memory: `python -m servers.lean_rasa run --model ...` takes the same
arguments as `rasa` and answers the same, but the server needs about 300 MiB less.

Measured on the product (docs/performance.md, "Memory"); each step leaves every answer
as it was (same intents, confidences and entities on 1,541 NLU examples):

- **No jax.** TensorFlow 2.12 imports jax (about 100 MiB) only to convert JAX models to
  TFLite, which a Rasa server never does. Blocking the import makes TensorFlow take its
  own `except ImportError` path.
- **One spaCy pipeline.** Rasa builds SpacyNLP twice (the node that provides the model and
  the node that runs it) and each loads the pipeline from disk, so the Dutch lookup
  lemmas (about 80 MiB of Python objects) were in memory twice. The same path now gives
  the same loaded pipeline, as Rasa's own docstring intends.
- **DIET built without a training step.** To create its weights Rasa trains the model on
  one example (Adam, a traced gradient graph, about 150 MiB that stays) and then
  overwrites every weight from the saved model. Here the weights are created by one
  forward pass instead and then restored from the same file; loading fails loudly if any
  weight of the model is not in the file. Fine-tuning (`rasa train --finetune`) keeps
  Rasa's own way.
- **Freed memory back to the system** once the model is loaded (glibc `malloc_trim`).

The patches are for Rasa 3.6.21 (pinned in pyproject.toml); with any other version this
module starts Rasa unchanged and says so.
"""
from __future__ import annotations

import ctypes
import functools
import logging
import sys
from typing import Any, Optional

RASA_VERSION = "3.6.21"

logger = logging.getLogger(__name__)


def block_jax() -> None:
    """Before TensorFlow is imported: `import jax` raises ImportError."""
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]


def share_spacy_pipeline() -> None:
    """SpacyNLP.load_model loads each spaCy path once per process."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    load_model = SpacyNLP.__dict__["load_model"].__func__
    if not hasattr(load_model, "cache_info"):
        SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=None)(load_model))


def build_without_training_step() -> None:
    """RasaModel.load creates the weights by a forward pass instead of `fit` on one example."""
    from rasa.utils.tensorflow import models

    original = models.RasaModel.__dict__["load"].__func__
    if getattr(original, "lean", False):
        return

    def load(cls: Any, model_file_name: str, model_data_example: Any,
             predict_data_example: Optional[Any] = None, finetune_mode: bool = False,
             *args: Any, **kwargs: Any) -> Any:
        if finetune_mode:  # training goes on: it needs the optimizer and its state
            return original(cls, model_file_name, model_data_example, predict_data_example,
                            finetune_mode, *args, **kwargs)
        model = cls(*args, **kwargs)
        batch = next(iter(models.RasaBatchDataGenerator(model_data_example, batch_size=1)))[0]
        model.batch_loss(batch)  # creates every layer's weights, as `fit` would
        status = model.load_weights(model_file_name)
        status.assert_existing_objects_matched()  # every weight came from the file
        status.expect_partial()  # the optimizer's saved state is not needed to answer
        if predict_data_example:  # as Rasa does: trace the prediction graph now
            model.run_inference(predict_data_example)
        return model

    load.lean = True  # type: ignore[attr-defined]
    models.RasaModel.load = classmethod(load)


def return_freed_memory() -> None:
    """glibc keeps memory freed while loading; give whole free pages back."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def trim_after_loading() -> None:
    """Calls return_freed_memory once the server has loaded its model."""
    from rasa.core import run

    original = run.load_agent_on_start
    if getattr(original, "lean", False):
        return

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        return_freed_memory()
        return agent

    load_agent_on_start.lean = True  # type: ignore[attr-defined]
    run.load_agent_on_start = load_agent_on_start


def apply() -> bool:
    """All of the above; False (and Rasa unchanged apart from jax) on another Rasa version."""
    block_jax()
    from rasa.version import __version__

    if __version__ != RASA_VERSION:
        logger.warning("servers.lean_rasa: Rasa %s, niet %s; Rasa start zonder de "
                       "geheugenbesparing.", __version__, RASA_VERSION)
        return False
    share_spacy_pipeline()
    build_without_training_step()
    trim_after_loading()
    return True


def main() -> None:
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
