"""Create the class's Unix accounts from a roster CSV (run as root; idempotent).

    python classroom/roster.py ROSTER.csv [--dry-run] [--remove] [--passwords OUT.csv]

The CSV has a header `username,role,password` (role: instructor or student; password optional: a
random one is made for a new account and written to --passwords, mode 600). The course's identifier
map (hub_name,lms_id,email,display_name; docs/lms.md) is read as well: one student account per
hub_name (add the instructor with a `username,role,password` file). Every account gets a
private home (mode 700); an account that exists already is left as it is (its password is only
set when the CSV gives one). Names must be valid Unix user names (lower case letter or _, then
lower case letters, digits, _ or -, at most 32 characters): anything else is refused before any
change is made. --dry-run prints what would be done; --remove deletes the roster's accounts (and
their homes). The instructor's account is the one `make classroom` gives the course folder to.
"""

from __future__ import annotations

import argparse
import csv
import os
import pwd
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VALID_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
ROLES = ("instructor", "student")
RESERVED = {"root", "daemon", "bin", "sys", "nobody", "admin", "jupyterhub"}


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    password: str = ""


def read_roster(path: Path) -> list[Account]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    if "hub_name" in (reader.fieldnames or []) and "username" not in (reader.fieldnames or []):
        # The identifier map (grading/lms.py, docs/lms.md): every row is a student, named by hub_name.
        rows = [{"username": row.get("hub_name"), "role": "student", "password": ""} for row in rows]
    problems, accounts, seen = [], [], set()
    for number, row in enumerate(rows, start=2):
        name = (row.get("username") or "").strip()
        role = (row.get("role") or "student").strip().lower()
        if not VALID_NAME.match(name):
            problems.append(f"line {number}: {name!r} is not a valid Unix user name "
                            "(lower case letter or _ first, then lower case letters, digits, _ or -; max 32)")
        elif name in RESERVED:
            problems.append(f"line {number}: {name!r} is a system account name")
        elif name in seen:
            problems.append(f"line {number}: {name!r} appears twice")
        if role not in ROLES:
            problems.append(f"line {number}: role {role!r} is not one of {', '.join(ROLES)}")
        seen.add(name)
        accounts.append(Account(name, role, (row.get("password") or "").strip()))
    if not accounts:
        problems.append("the roster has no accounts (header: username,role,password)")
    if sum(a.role == "instructor" for a in accounts) > 1:
        problems.append("more than one instructor: give the course folder to one account")
    if problems:
        raise RosterError(f"{path}:\n  " + "\n  ".join(problems))
    return accounts


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def plan(accounts: list[Account], remove: bool = False) -> list[tuple[Account, str]]:
    """(account, action): create, keep, set-password, remove or absent."""
    steps = []
    for account in accounts:
        if remove:
            steps.append((account, "remove" if exists(account.username) else "absent"))
        elif not exists(account.username):
            steps.append((account, "create"))
        else:
            steps.append((account, "set-password" if account.password else "keep"))
    return steps


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def apply(steps: list[tuple[Account, str]], passwords_out: Path | None = None) -> dict[str, str]:
    made: dict[str, str] = {}
    for account, action in steps:
        if action == "create":
            run(["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700",
                 "--comment", f"keras course {account.role}", account.username])
            home = Path(pwd.getpwnam(account.username).pw_dir)
            home.chmod(0o700)
            made[account.username] = account.password or secrets.token_urlsafe(12)
        elif action == "set-password":
            made[account.username] = account.password
        elif action == "remove":
            run(["userdel", "--remove", account.username], stderr=subprocess.DEVNULL)
    if made:
        run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in made.items()), text=True)
    if passwords_out and made:
        passwords_out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        passwords_out.touch(mode=0o600)
        with open(passwords_out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["username", "password"])
            writer.writerows(made.items())
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roster", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    parser.add_argument("--remove", action="store_true", help="delete the roster's accounts and homes")
    parser.add_argument("--passwords", type=Path, help="write the new accounts' passwords here (mode 600)")
    args = parser.parse_args(argv)
    try:
        accounts = read_roster(args.roster)
    except (RosterError, OSError) as error:
        print(f"roster refused: {error}", file=sys.stderr)
        return 2
    steps = plan(accounts, args.remove)
    for account, action in steps:
        print(f"{'would ' if args.dry_run else ''}{action:<12} {account.username:<20} {account.role}")
    if args.dry_run:
        return 0
    if os.geteuid() != 0:
        print("run as root to change accounts (or use --dry-run)", file=sys.stderr)
        return 2
    apply(steps, args.passwords)
    return 0


if __name__ == "__main__":
    sys.exit(main())
