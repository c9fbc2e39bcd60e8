"""Actions about the conversation's topic."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionVergeetOnderwerp(Action):
    """Forgets the topic after an off-topic question (the answer was already sent)."""

    def name(self) -> Text:
        return "action_vergeet_onderwerp"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return [SlotSet("onderwerp", None)]
