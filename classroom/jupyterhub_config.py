"""JupyterHub for the course: PAM login for real Unix accounts, LocalProcessSpawner, nbgrader's exchange.

`make classroom` starts it (`jupyterhub -f classroom/jupyterhub_config.py`); the settings a run may
change come from the environment (the Makefile and the tests set them):

    CLASSROOM_PREFIX      where classroom/install.py put the student environment (default /opt/keras-course)
    CLASSROOM_STATE       the hub's own files: database, cookie secret, pid (default PREFIX/hub, root only)
    CLASSROOM_PORT        the port on 127.0.0.1 (default 8000)
    CLASSROOM_ROSTER      the roster CSV (classroom/roster.py): who may log in, who is the instructor
    CLASSROOM_COURSE_DIR  the instructor's course folder (default ~instructor/course, a copy of grading/)
    CLASSROOM_EXCHANGE    nbgrader's exchange (default /srv/nbgrader/exchange; install.py made it)

Students' servers run PREFIX/venv (the course environment, read-only) with JUPYTER_CONFIG_PATH set to
PREFIX/etc/jupyter: nbgrader's course id and exchange, and the student view (no Formgrader, no Create
Assignment, no course list). The instructor's server opens the course folder with every nbgrader tool.
Each student finds a writable copy of the student build's notebooks in ~/keras-course on first login.
"""

import csv
import os
import pwd
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub

HERE = Path(__file__).resolve().parent
PREFIX = Path(os.environ.get("CLASSROOM_PREFIX", "/opt/keras-course"))
STATE = Path(os.environ.get("CLASSROOM_STATE", str(PREFIX / "hub")))
PORT = int(os.environ.get("CLASSROOM_PORT", "8000"))
ROSTER = Path(os.environ.get("CLASSROOM_ROSTER", str(HERE / "roster.example.csv")))
VENV = PREFIX / "venv"
EXCHANGE = Path(os.environ.get("CLASSROOM_EXCHANGE", "/srv/nbgrader/exchange"))

STATE.mkdir(parents=True, exist_ok=True)
STATE.chmod(0o700)

with open(ROSTER, newline="", encoding="utf-8") as handle:
    ROLES = {row["username"].strip(): (row.get("role") or "student").strip()
             for row in csv.DictReader(handle)}
INSTRUCTORS = {name for name, role in ROLES.items() if role == "instructor"}

c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CLASSROOM_HUB_PORT", str(PORT + 1)))
PROXY_API_PORT = int(os.environ.get("CLASSROOM_PROXY_API_PORT", str(PORT + 2)))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.command = [shutil.which("configurable-http-proxy") or "configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every single-user server
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.log_datefmt = "%H:%M:%S"

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(ROLES)
c.Authenticator.admin_users = set(INSTRUCTORS)
c.PAMAuthenticator.open_sessions = False  # no systemd/logind session per login: not needed here

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]
c.Spawner.args = ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]


def instructor_course(name: str) -> Path:
    return Path(os.environ.get("CLASSROOM_COURSE_DIR", str(Path(pwd.getpwnam(name).pw_dir) / "course")))


def student_copy(user: pwd.struct_passwd) -> Path:
    """~/keras-course: a writable copy of the student build's notebooks and quiz (made once)."""
    target = Path(user.pw_dir) / "keras-course"
    if not target.exists():
        shutil.copytree(PREFIX / "course", target, ignore=shutil.ignore_patterns("helpers"))
        for path in [target, *target.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    return target


def pre_spawn(spawner):
    name = spawner.user.name
    user = pwd.getpwnam(name)
    env = {
        "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "KERAS_BACKEND": "tensorflow",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    if (PREFIX / "python" / "lib").is_dir():  # the private base Python's copy (install.py)
        env["LD_LIBRARY_PATH"] = str(PREFIX / "python" / "lib")
    if name in INSTRUCTORS:
        course = instructor_course(name)
        # The course folder first: Formgrader (in the server, whose working directory is the home)
        # finds the course's own nbgrader_config.py there, with its root, gradebook and sandbox.
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(course), str(PREFIX / "etc" / "instructor")])
        env["NBGRADER_EXCHANGE"] = str(EXCHANGE)  # read by the course's grading/nbgrader_config.py
        spawner.notebook_dir = str(course)
    else:
        env["JUPYTER_CONFIG_PATH"] = str(PREFIX / "etc" / "jupyter")
        spawner.notebook_dir = str(Path(user.pw_dir))
        student_copy(user)
        spawner.default_url = "/lab/tree/keras-course/notebooks/00_index.ipynb"
    spawner.environment.update(env)


c.Spawner.pre_spawn_hook = pre_spawn
print(f"classroom hub: http://127.0.0.1:{PORT}/ for {len(ROLES)} accounts "
      f"(instructor: {', '.join(sorted(INSTRUCTORS)) or 'none'})", file=sys.stderr)
