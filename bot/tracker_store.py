"""Rasa's SQL tracker store, but it never writes what a resident typed as it was.

Registered in ``endpoints.yml`` and ``endpoints.production.yml`` as
``type: bot.tracker_store.PrivateSQLTrackerStore`` with the same settings as Rasa's ``SQL``.
Before an event is written:

- user texts, their parse data (text and entity values), bot texts and text slot values
  go through ``wijkveiligheid.redaction.redact``;
- the contact slot (``signaal_contact``) and the answer typed while it was asked are
  replaced by ``[contactgegevens]``. The form still needs the value until the signal is
  stored, so it waits in the small table ``gesprek_contact`` (one row per conversation)
  and is put back when the conversation is read. The row is deleted as soon as the slot
  is emptied (signal stored, form stopped or declined); `wijkveiligheid-purge` removes any
  row older than a day. So the contact ends up only in the signal row, with consent.

SQLite deletes with ``secure_delete`` on, so a removed contact is also gone from the file.
It also answers two cheap questions for the channel (bot/channel.py): how many messages
the current session has, and which button payloads the assistant offered in it.
"""
from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any, Dict, Iterable, List, Optional, Set, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import declarative_base

from wijkveiligheid.redaction import redact
from wijkveiligheid.retention import PENDING_CONTACT_TABLE
from wijkveiligheid.settings import settings_or_exit

logger = logging.getLogger(__name__)

CONTACT_SLOT = "signaal_contact"
CONTACT_PLACEHOLDER = "[contactgegevens]"
REQUESTED_SLOT = "requested_slot"

PendingBase = declarative_base()


class PendingContact(PendingBase):
    """A contact given in a form that has not ended yet; at most one per conversation."""

    __tablename__ = PENDING_CONTACT_TABLE

    sender_id = sa.Column(sa.String(255), primary_key=True)
    waarde = sa.Column(sa.String(400), nullable=False)
    op = sa.Column(sa.Float, nullable=False, index=True)


def _redact_text(value: Any, contacts: Iterable[str]) -> Any:
    if not isinstance(value, str):
        return value
    for contact in contacts:  # a normalised contact the redactor might not recognise
        if contact:
            value = value.replace(contact, CONTACT_PLACEHOLDER)
    return redact(value)


def private_event(data: Dict[Text, Any], contact_requested: bool,
                  contacts: Iterable[str] = ()) -> Dict[Text, Any]:
    """The event as it may be stored: redacted texts, no contact details."""
    data = copy.deepcopy(data)
    kind = data.get("event")
    contacts = [c for c in contacts if isinstance(c, str)]
    if kind == "user":
        text = CONTACT_PLACEHOLDER if contact_requested else _redact_text(data.get("text"),
                                                                          contacts)
        data["text"] = text
        parse = data.get("parse_data") or {}
        if "text" in parse:
            parse["text"] = text
        for entity in parse.get("entities") or []:
            entity["value"] = (CONTACT_PLACEHOLDER if contact_requested
                               else _redact_text(entity.get("value"), contacts))
        data.pop("metadata", None)
    elif kind == "bot":
        data["text"] = _redact_text(data.get("text"), contacts)
    elif kind == "slot":
        if data.get("name") == CONTACT_SLOT and data.get("value") is not None:
            data["value"] = CONTACT_PLACEHOLDER
        else:
            data["value"] = _redact_text(data.get("value"), contacts)
    elif kind == "entities":
        for entity in data.get("entities") or []:
            entity["value"] = _redact_text(entity.get("value"), contacts)
    return data


def offered_payloads(bot_events: Iterable[Dict[Text, Any]]) -> Set[str]:
    """Every button payload in these bot events."""
    payloads: Set[str] = set()
    for event in bot_events:
        for button in (event.get("data") or {}).get("buttons") or []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                payloads.add(button["payload"].strip())
    return payloads


def create_pending_table(engine: sa.engine.Engine) -> None:
    """Creates ``gesprek_contact`` if it is missing. Several Rasa servers may start at once
    against one new database: PostgreSQL then refuses the CREATE TABLE of all but one (a
    duplicate type). Whoever won, the table is there; any other failure still stops."""
    try:
        PendingBase.metadata.create_all(engine)
    except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
        if not sa.inspect(engine).has_table(PENDING_CONTACT_TABLE):
            raise


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that redacts before writing (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings_or_exit()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            @sa.event.listens_for(self.engine, "connect")
            def _secure_delete(connection: Any, _record: Any) -> None:
                connection.execute("PRAGMA secure_delete = ON")
            self.engine.dispose()  # connections made so far lack the pragma
        create_pending_table(self.engine)

    # -- writing ----------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the new events of `tracker`, made private; keeps the contact aside."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id,
                                       fetch_events_from_all_sessions=False).count()
            requested: Optional[str] = None
            contacts: List[str] = []
            contact: Any = ...  # ... = unchanged in this save
            for index, event in enumerate(tracker.events):
                # Earlier events only tell the state (cheap: no serialising them again).
                if isinstance(event, SlotSet) and event.key == CONTACT_SLOT:
                    if isinstance(event.value, str):
                        contacts.append(event.value)
                    if index >= stored:
                        contact = event.value
                if index < stored:
                    if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
                        requested = event.value
                    continue
                data = event.as_dict()
                private = private_event(data, requested == CONTACT_SLOT, contacts)
                if isinstance(event, SlotSet) and event.key == REQUESTED_SLOT:
                    requested = event.value
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=private.get("timestamp"),
                    intent_name=(private.get("parse_data") or {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    action_name=private.get("name"),
                    data=json.dumps(private),
                ))
            if contact is not ...:
                self._keep_contact(session, tracker.sender_id, contact)
            session.commit()

    @staticmethod
    def _keep_contact(session: Any, sender_id: str, value: Any) -> None:
        session.query(PendingContact).filter(PendingContact.sender_id == sender_id).delete()
        if value is not None:
            session.add(PendingContact(sender_id=sender_id, waarde=str(value)[:400],
                                       op=time.time()))

    # -- reading ----------------------------------------------------------------
    async def _retrieve(self, sender_id: Text,
                        fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [json.loads(row.data) for row in rows]
            if not (self.domain and events):
                return None
            hidden = [e for e in events if e.get("event") == "slot"
                      and e.get("name") == CONTACT_SLOT and e.get("value") == CONTACT_PLACEHOLDER]
            if hidden:
                pending = session.get(PendingContact, sender_id)
                for event in hidden:
                    event["value"] = pending.waarde if pending else None
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _session_query(self, session: Any, sender_id: Text, type_name: str) -> Any:
        start = (session.query(sa.func.max(self.SQLEvent.timestamp))
                 .filter(self.SQLEvent.sender_id == sender_id,
                         self.SQLEvent.type_name == SessionStarted.type_name)
                 .scalar_subquery())
        return session.query(self.SQLEvent).filter(
            self.SQLEvent.sender_id == sender_id, self.SQLEvent.type_name == type_name,
            sa.or_(start.is_(None), self.SQLEvent.timestamp >= start))

    async def user_messages_in_session(self, sender_id: Text) -> int:
        """How many messages the person sent in the current session (one COUNT)."""
        with self.session_scope() as session:
            return self._session_query(session, sender_id, "user").count()

    async def offered_payloads(self, sender_id: Text) -> Set[str]:
        """The button payloads the assistant offered in the current session."""
        with self.session_scope() as session:
            rows = self._session_query(session, sender_id, "bot").all()
            return offered_payloads(json.loads(row.data) for row in rows)
