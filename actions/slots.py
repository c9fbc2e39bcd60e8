"""Slots that an entity can fill outside the form are checked against their values.

Rasa calls ``action_validate_slot_mappings`` after it extracted slots from a message. An
entity comes from our own NLU components, but a forged "/intent{...}" message (refused by
bot/channel.py) or a future component must never put an unknown topic or kind in a slot:
the answers, the form and the store all rely on these values."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from wijkveiligheid.knowledge import QUESTION_KINDS, TOPIC_IDS


def known(value: Any, allowed) -> Any:
    return value if isinstance(value, str) and value in allowed else None


class ValidateSlotMappings(ValidationAction):
    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def validate_onderwerp(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"onderwerp": known(value, TOPIC_IDS)}

    async def validate_vraagsoort(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"vraagsoort": known(value, QUESTION_KINDS)}
