"""The errors the CLI prints as one clear line instead of a traceback."""

from __future__ import annotations

from db.session import DatabaseError


class UserError(Exception):
    """Something the user can fix: bad input, an unusable database, a failed crawl."""

    exit_code = 1


def user_errors(*error_types: type[BaseException]):  # type: ignore[no-untyped-def]
    """Decorate a handler so that the named package errors become UserError with the same message."""

    def wrap(handler):  # type: ignore[no-untyped-def]
        def run(args):  # type: ignore[no-untyped-def]
            try:
                return handler(args)
            except (DatabaseError, *error_types) as exc:
                raise UserError(str(exc)) from exc

        return run

    return wrap
