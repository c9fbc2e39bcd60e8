"""Command line for staff work and scripting.

    python -m staff start [--port 8001]                    the staff page
    python -m staff gebruiker-aanmaken --gebruikersnaam anna --rol beheerder
    python -m staff wachtwoord-instellen --gebruikersnaam anna
    python -m staff lijst [--status open] [--gebied Charlois] ...
    python -m staff export [filters] [--met-contact] > signalen.csv
    python -m staff inzichten [--van ...] [--tot ...] [--gebied ...] > inzichten.csv

Passwords are asked for (twice) or read from standard input, never given as an
argument: arguments end up in the shell history and in the process list.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from staff.db import sessions_for
from wijkveiligheid.settings import settings_or_exit

CLI_NAME = "opdrachtregel"  # who the audit log names for command-line actions


def _sessions():
    return sessions_for()


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    if getpass.getpass("Herhaal het wachtwoord: ") != first:
        raise SystemExit("De wachtwoorden zijn niet gelijk. Er is niets veranderd.")
    return first


def create_user(args) -> int:
    from staff import accounts

    password = _read_password(args.wachtwoord_stdin)
    with _sessions()() as session:
        try:
            accounts.create_user(session, args.gebruikersnaam, password, args.rol, CLI_NAME)
            session.commit()
        except accounts.AccountError as error:
            print(f"Niet aangemaakt: {error}", file=sys.stderr)
            return 1
    print(f"Account {accounts.normalise_username(args.gebruikersnaam)} ({args.rol}) is aangemaakt.")
    return 0


def set_password(args) -> int:
    from staff import accounts
    from staff.models import StaffUser

    with _sessions()() as session:
        user = session.execute(select(StaffUser).where(
            StaffUser.gebruikersnaam == accounts.normalise_username(args.gebruikersnaam))
        ).scalar_one_or_none()
        if user is None:
            print("Dit account bestaat niet.", file=sys.stderr)
            return 1
        try:
            accounts.set_password(session, user, _read_password(args.wachtwoord_stdin), CLI_NAME)
            if args.activeren:
                accounts.set_active(session, user, True, CLI_NAME)
            session.commit()
        except accounts.AccountError as error:
            print(f"Niet veranderd: {error}", file=sys.stderr)
            return 1
    print("Het wachtwoord is ingesteld; lopende sessies van dit account zijn beëindigd.")
    return 0


def _filter(args):
    from staff.queries import SignalFilter

    signal_filter = SignalFilter.parse({name: getattr(args, name) for name in
                                        ("onderwerp", "gebied", "wijk", "status", "rol", "van",
                                         "tot", "zoek")})
    if signal_filter.errors:
        for error in signal_filter.errors:
            print(error, file=sys.stderr)
        raise SystemExit(2)
    return signal_filter


def list_signals(args) -> int:
    from staff import queries

    signal_filter = _filter(args)
    with _sessions()() as session:
        total = queries.count(session, signal_filter)
        for signal in queries.find(session, signal_filter, page_size=args.max):
            text = " ".join(signal.beschrijving.split())
            print("\t".join([signal.referentie, queries.local(signal.aangemaakt_op)
                             .strftime("%Y-%m-%d %H:%M"), signal.onderwerp,
                             signal.gebied or "-", signal.status,
                             text[:60] + ("…" if len(text) > 60 else "")]))
    shown = min(total, args.max) if args.max else total
    print(f"{shown} van {total} signalen.", file=sys.stderr)
    return 0


def export(args) -> int:
    from staff.export import export_csv

    signal_filter = _filter(args)
    with _sessions()() as session:
        export_csv(session, signal_filter, sys.stdout, args.met_contact, CLI_NAME)
        session.commit()
    return 0


def insights(args) -> int:
    """The question counts of /inzichten as `;`-separated CSV, counts under 5 as "< 5"."""
    from staff.inzichten import DEFAULT_WEEKS, InsightFilter, topic_names
    from wijkveiligheid import inzichten
    from wijkveiligheid.storage import database_url, engine_for

    given = {name: value for name in ("van", "tot", "gebied")
             if (value := getattr(args, name)) is not None}
    insight_filter = InsightFilter.parse(given, default_weeks=DEFAULT_WEEKS)
    if insight_filter.errors:
        for error in insight_filter.errors:
            print(error, file=sys.stderr)
        return 2
    inzichten.write_csv(insight_filter.rows(engine_for(database_url())), sys.stdout,
                        topic_names())
    return 0


def start(args) -> int:
    from werkzeug.serving import WSGIRequestHandler, run_simple

    from staff.app import create_app

    class RequestLog(WSGIRequestHandler):
        server_version = "medewerkerspagina"  # no software versions in the Server header
        sys_version = ""

        # Query strings (search text, filters) can hold personal data: log the path only.
        def log_request(self, code="-", size="-"):
            path = self.path.split("?", 1)[0]
            self.log("info", '"%s %s" %s', self.command, path, getattr(code, "value", code))

    app = create_app()
    print(f"Medewerkerspagina: http://localhost:{args.port}/", flush=True)
    run_simple(args.host, args.port, app, threaded=True, request_handler=RequestLog)
    return 0


def parser() -> argparse.ArgumentParser:
    from staff.models import ROLES

    main = argparse.ArgumentParser(prog="python -m staff",
                                   description="Signalen bekijken: pagina en opdrachtregel.")
    commands = main.add_subparsers(dest="command", required=True)

    run = commands.add_parser("start", help="start de medewerkerspagina")
    run.add_argument("--port", type=int, default=8001)
    run.add_argument("--host", default="127.0.0.1",
                     help="standaard alleen deze computer; zet er in productie een proxy voor")
    run.set_defaults(handler=start)

    new = commands.add_parser("gebruiker-aanmaken", help="maak een account aan")
    new.add_argument("--gebruikersnaam", required=True)
    new.add_argument("--rol", choices=ROLES, default="medewerker")
    new.add_argument("--wachtwoord-stdin", action="store_true",
                     help="lees het wachtwoord van standaardinvoer (één regel)")
    new.set_defaults(handler=create_user)

    password = commands.add_parser("wachtwoord-instellen",
                                   help="stel een nieuw wachtwoord in (beëindigt sessies)")
    password.add_argument("--gebruikersnaam", required=True)
    password.add_argument("--wachtwoord-stdin", action="store_true")
    password.add_argument("--activeren", action="store_true",
                          help="zet een uitgezet account ook weer aan")
    password.set_defaults(handler=set_password)

    for name, handler, help_text in (("lijst", list_signals, "toon signalen, nieuwste eerst"),
                                     ("export", export, "CSV naar standaarduitvoer")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--onderwerp", help="onderwerp-id, bijvoorbeeld woonoverlast")
        command.add_argument("--gebied")
        command.add_argument("--wijk")
        command.add_argument("--status", help="een status, of 'open'")
        command.add_argument("--rol", help="rol van de melder")
        command.add_argument("--van", help="vanaf datum, jjjj-mm-dd")
        command.add_argument("--tot", help="tot en met datum, jjjj-mm-dd")
        command.add_argument("--zoek", help="zoektekst")
        command.set_defaults(handler=handler)
    counts = commands.add_parser(
        "inzichten", help="aantal vragen in de chat per week, gebied, onderwerp en soort "
        "vraag, als CSV (zoals de pagina /inzichten)")
    counts.add_argument("--van", help="vanaf datum, jjjj-mm-dd (standaard: 12 weken terug; "
                        "leeg: alles)")
    counts.add_argument("--tot", help="tot en met datum, jjjj-mm-dd")
    counts.add_argument("--gebied", help="een gebied, of '-' voor: geen gebied genoemd")
    counts.set_defaults(handler=insights)
    commands.choices["lijst"].add_argument("--max", type=int, default=50,
                                           help="hoogstens zoveel regels (0: alles)")
    commands.choices["export"].add_argument("--met-contact", action="store_true",
                                            help="met contactgegevens (alleen als het nodig is)")
    return main


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    settings_or_exit()  # production without its secrets stops here, with the reason
    try:
        return args.handler(args)
    except (OperationalError, ProgrammingError):
        print("De database is niet bereikbaar of heeft nog niet het nieuwste schema. "
              "Draai eerst `make migrate` (of `alembic upgrade head`).", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
