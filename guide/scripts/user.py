"""guide-user CONFIG.ini EMAIL [--role admin|coordinator] — create (or promote) an account.

The password is read from the terminal (or from GUIDE_USER_PASSWORD for scripts).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..models import SiteRole
from ..normalize import NormalizeError, email
from ..services.accounts import MIN_PASSWORD_LENGTH, find_user, normalise_email, set_password
from . import load_settings, session_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guide-user", description=__doc__)
    parser.add_argument("config_uri")
    parser.add_argument("email")
    parser.add_argument("--name", default="")
    parser.add_argument("--role", choices=[r.value for r in SiteRole], default=SiteRole.ADMIN.value)
    args = parser.parse_args(argv)
    try:
        address = normalise_email(email(args.email))  # accounts are found by lower-cased address
    except NormalizeError as error:
        print(error.message, file=sys.stderr)
        return 2
    password = os.environ.get("GUIDE_USER_PASSWORD") or getpass.getpass("Mot de passe : ")
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères.", file=sys.stderr)
        return 2
    settings = load_settings(args.config_uri)
    from ..models import User

    with session_scope(settings) as db:
        user = find_user(db, address)
        created = user is None
        if user is None:
            user = User(email=address, name=args.name)
            db.add(user)
        user.role = SiteRole(args.role)
        db.flush()
        set_password(db, user, password)  # ends the account's sessions and revokes its links
        user.active = True  # reactivation by the administrator running this command
        if args.name:
            user.name = args.name
    print(f"Compte {'créé' if created else 'mis à jour'} : {address} ({args.role}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
