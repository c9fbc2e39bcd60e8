"""rasa-sdk's plugin hook (it imports a top-level package of this name when the action
server starts, also with plain `rasa run actions`): attach the token check."""
import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionServerToken:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from actions.auth import require_token

        require_token(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionServerToken())
