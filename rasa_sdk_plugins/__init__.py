"""rasa-sdk's plugin hook (it imports a top-level package of this name when the action
server starts, also with plain `rasa run actions`): actions/startup.py prepares the app
(settings check, quiet logs, private errors, token check, outbox flushing)."""
import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionServerToken:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from actions.startup import prepare

        prepare(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionServerToken())
