"""Set up a machine for the classroom hub (run as root); `make classroom-install` calls it.

    python classroom/install.py [--prefix /opt/keras-course] [--exchange /srv/nbgrader/exchange]

What it puts where (everything under PREFIX is root-owned and world-readable, nothing writable):
  PREFIX/venv         the course environment for students' servers: a hard-linked copy of the
                      project's .venv (no extra disk; the checkout itself stays unreadable to
                      students), without the editable install of `helpers` (it points at the
                      checkout, key included), with scripts re-pointed at the copy;
  PREFIX/course       the student build (classroom/student_build.py): notebooks, practice quiz,
                      helpers without the quiz key; PREFIX/venv finds `helpers` there (course.pth);
  PREFIX/etc/jupyter  what students' servers read through JUPYTER_CONFIG_PATH: nbgrader's course id
                      and exchange (nbgrader_config.py) and the student view (classroom/views/student);
  EXCHANGE            nbgrader's exchange: root-owned, mode 1777 (world-writable, sticky bit).
It also removes "other" permissions from the checkout (the instructor's course: solutions, hidden
tests, quiz key), so that student accounts cannot read it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COURSE_ID = "keras3-layers"
DEFAULT_PREFIX = Path("/opt/keras-course")
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")


def student_env(venv: Path, target: Path, course: Path) -> None:
    """Hard-linked copy of `venv` at `target` (same inodes, so no space; copy if not the same disk)."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["cp", "-al", str(venv), str(target)], capture_output=True, text=True)
    if result.returncode != 0:  # another file system: a real copy
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["cp", "-a", str(venv), str(target)], check=True)
    site = next(target.glob("lib/python3*/site-packages"))
    for editable in site.glob("__editable__*keras_layers_course*"):
        editable.unlink()
    for info in site.glob("keras_layers_course-*"):
        shutil.rmtree(info)
    (site / "keras_course_student_build.pth").write_text(f"{course}\n")
    # Scripts name their interpreter in the first line: point them at the copy. The file is replaced,
    # not written in place, so the hard-linked original in the checkout stays as it was.
    old, new = f"#!{venv}/bin/", f"#!{target}/bin/"
    for script in (target / "bin").iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        data = script.read_bytes()
        if data.startswith(old.encode()):
            script.unlink()
            script.write_bytes(new.encode() + data[len(old):])
            script.chmod(0o755)
    base_python(target)
    for name in ("activate", "activate.csh", "activate.fish", "pyvenv.cfg"):
        path = target / "bin" / name if name != "pyvenv.cfg" else target / name
        if path.exists() and not path.is_symlink():
            text = path.read_text().replace(str(venv), str(target))
            path.unlink()
            path.write_text(text)


def reachable_by_all(path: Path) -> bool:
    """Every account can run `path`: x for others on it and on each folder above it."""
    path = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents])


def base_python(target: Path) -> None:
    """Point the copy at an interpreter every account can run.

    A venv links to the Python it was made from; when that one is in a private place (pyenv under
    /root on the course machines) students cannot start it. The copy then gets its own hard-linked
    copy of that Python (PREFIX/python: the exact same build; a patch-level different system Python
    is not enough, e.g. Debian's 3.11.2 `re` breaks soupsieve, which nbgrader's feedback uses). Its
    binary looks for libpython in the original place first, so servers run with
    LD_LIBRARY_PATH=PREFIX/python/lib (jupyterhub_config.py sets it when that folder exists).
    """
    link = target / "bin" / "python3"
    if reachable_by_all(link):
        return
    base = Path(sys.base_prefix)
    python = target.parent / "python"
    if python.exists():
        shutil.rmtree(python)
    if subprocess.run(["cp", "-al", str(base), str(python)], capture_output=True).returncode != 0:
        shutil.rmtree(python, ignore_errors=True)
        subprocess.run(["cp", "-a", str(base), str(python)], check=True)
    readable(python)
    version = ".".join(map(str, sys.version_info[:2]))
    link.unlink()
    link.symlink_to(python / "bin" / f"python{version}")
    cfg = target / "pyvenv.cfg"
    lines = [line for line in cfg.read_text().splitlines()
             if not line.startswith(("home", "executable", "command"))]
    cfg.unlink()
    cfg.write_text("\n".join([f"home = {python / 'bin'}", f"executable = {python / 'bin'}/python{version}",
                              *lines]) + "\n")


def student_config(etc: Path, exchange: Path, course_id: str = COURSE_ID, view: str = "student") -> None:
    """nbgrader's system-wide settings and one view, in a folder for JUPYTER_CONFIG_PATH."""
    if etc.exists():
        shutil.rmtree(etc)
    shutil.copytree(HERE / "views" / view, etc)
    (etc / "nbgrader_config.py").write_text(
        "# Written by classroom/install.py: the course every account on this hub belongs to.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course_id!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
    )


def exchange_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, 0, 0)
    path.chmod(0o1777)


def readable(path: Path) -> None:
    """Root-owned, readable by all, writable by none but root (directories: 755, files keep x)."""
    for item in [path, *path.rglob("*")]:
        if item.is_symlink():
            continue
        mode = item.stat().st_mode & 0o777
        item.chmod(mode | (0o755 if item.is_dir() else 0o444 | (0o111 if mode & 0o100 else 0)))


def install(prefix: Path, exchange: Path, venv: Path, lock_checkout: bool = True) -> None:
    sys.path.insert(0, str(HERE))
    import student_build

    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)
    for parent in prefix.parents:  # every account must reach PREFIX
        if parent != Path("/") and not parent.stat().st_mode & 0o001:
            raise SystemExit(f"{parent} is not searchable by other accounts: choose another --prefix")
    student_build.build(prefix / "course")
    student_config(prefix / "etc" / "jupyter", exchange)
    student_config(prefix / "etc" / "instructor", exchange, view="instructor")
    readable(prefix / "etc")
    student_env(venv, prefix / "venv", prefix / "course")
    exchange_dir(exchange)
    if lock_checkout:
        ROOT.chmod(ROOT.stat().st_mode & ~0o007)
    print(f"course environment: {prefix}/venv; student build: {prefix}/course; "
          f"JUPYTER_CONFIG_PATH={prefix}/etc/jupyter; exchange: {exchange}")


def instructor_course(name: str, dest: Path | None = None) -> Path:
    """A copy of grading/ owned by the instructor's account, private to it (mode 700), with the quiz key."""
    import pwd

    user = pwd.getpwnam(name)
    dest = dest or Path(user.pw_dir) / "course"
    if not dest.exists():
        shutil.copytree(ROOT / "grading", dest, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "gradebook.db", "exchange"))
    # The quiz key for the quiz's hidden tests (grading/nbgrader_config.py gives it to the quiz's kernels
    # only); the course environment students use has none. The folder is private to the instructor.
    shutil.copyfile(ROOT / "helpers" / "quiz" / "key.json", dest / "quiz_key.json")
    (dest / "quiz_key.json").chmod(0o600)
    for path in [dest, *dest.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    dest.chmod(0o700)
    print(f"course folder of {name}: {dest}")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    parser.add_argument("--exchange", type=Path, default=DEFAULT_EXCHANGE)
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv")
    parser.add_argument("--keep-checkout-readable", action="store_true",
                        help="do not remove other accounts' access to the checkout (not for a class)")
    parser.add_argument("--instructor", help="also give this account its course folder (~/course)")
    parser.add_argument("--only-course-folder", action="store_true", help="with --instructor: only that")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("run as root (it sets up folders for other accounts)")
    if not args.only_course_folder:
        install(args.prefix.resolve(), args.exchange.resolve(), args.venv.resolve(),
                not args.keep_checkout_readable)
    if args.instructor:
        instructor_course(args.instructor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
