"""`clinicwatch link confirm|reject|list|undo`: analysts' judgements on site–facility links."""

from __future__ import annotations

import argparse
import getpass
import os

from clinicwatch.commands.common import add_db_argument, open_db
from clinicwatch.errors import UserError, user_errors
from db.queries import latest_good_snapshot
from db.session import transaction
from db.vocabulary import JudgementVerdict
from matcher.judgements import (
    JudgementError,
    active_judgements,
    all_judgements,
    find_site,
    judge,
    matching_facilities,
    undo,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "link",
        help="confirm or reject a site–facility link, list or undo judgements",
        description="Analysts' judgements on links between clinic sites and registry facilities. A confirm "
        "forces a match with that facility on every later run, a reject removes the facility from the "
        "site's candidates; both stay until undone. Who: $CLINICWATCH_USER, else the OS user.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for verdict, text in ((JudgementVerdict.CONFIRM, "this facility is this site's clinic"), (JudgementVerdict.REJECT, "it is not")):
        judged = actions.add_parser(verdict, help=text, description=f"Record that {text}.")
        judged.add_argument("site", metavar="SITE", help="the site's seed URL or host")
        judged.add_argument("facility", metavar="FACILITY", help="the facility name as filed in the registry")
        judged.add_argument("--prefecture", help="the facility's prefecture, when the name is filed in several")
        judged.add_argument("--note", metavar="TEXT", help="why (shown in reports)")
        add_db_argument(judged)
        judged.set_defaults(handler=handle_judge, verdict=verdict)
    listing = actions.add_parser("list", help="list active judgements", description="List judgements.")
    listing.add_argument("--all", action="store_true", help="include undone judgements")
    add_db_argument(listing)
    listing.set_defaults(handler=handle_list)
    undoing = actions.add_parser("undo", help="undo a judgement", description="Undo a judgement by its id.")
    undoing.add_argument("id", type=int, metavar="ID", help="the judgement id (see `clinicwatch link list`)")
    add_db_argument(undoing)
    undoing.set_defaults(handler=handle_undo)


def _who() -> str:
    return os.environ.get("CLINICWATCH_USER") or getpass.getuser()


@user_errors(JudgementError)
def handle_judge(args: argparse.Namespace) -> int:
    with transaction(open_db(args).sessions) as session:
        site = find_site(session, args.site)
        snapshot = latest_good_snapshot(session)
        if snapshot is not None:
            found = matching_facilities(session, snapshot.id, args.facility, args.prefecture)
            if not found:
                raise UserError(
                    f"facility {args.facility!r}{_in(args.prefecture)} is not in registry snapshot {snapshot.id}; "
                    "give the name as filed (`clinicwatch check --name` finds it)"
                )
            prefectures = sorted({row.prefecture for row in found})
            if args.prefecture is None and len(prefectures) > 1:
                raise UserError(
                    f"facility {args.facility!r} is filed in {', '.join(prefectures)}; add --prefecture"
                )
        judgement = judge(session, site.seed_url, args.facility, args.prefecture, args.verdict, args.note, _who())
        print(f"judgement {judgement.id}: {args.verdict} {site.seed_url} ↔ {judgement.facility}{_in(args.prefecture)}")
    return 0


@user_errors(JudgementError)
def handle_list(args: argparse.Namespace) -> int:
    with transaction(open_db(args).sessions) as session:
        judgements = all_judgements(session) if args.all else active_judgements(session)
        if not judgements:
            print("no judgements" if args.all else "no active judgements")
        for judgement in judgements:
            state = f" (undone {judgement.undone_at:%Y-%m-%d %H:%M})" if judgement.undone_at else ""
            note = f" — {judgement.note}" if judgement.note else ""
            print(
                f"{judgement.id}\t{judgement.verdict}\t{judgement.site_seed_url}\t{judgement.facility}"
                f"{_in(judgement.prefecture)}\t{judgement.who} {judgement.created_at:%Y-%m-%d %H:%M}{state}{note}"
            )
    return 0


@user_errors(JudgementError)
def handle_undo(args: argparse.Namespace) -> int:
    with transaction(open_db(args).sessions) as session:
        judgement = undo(session, args.id)
        print(f"judgement {judgement.id} undone: {judgement.verdict} {judgement.site_seed_url} ↔ {judgement.facility}")
    return 0


def _in(prefecture: str | None) -> str:
    return f" ({prefecture})" if prefecture else ""
