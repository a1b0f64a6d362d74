"""Run every student kernel of `nbgrader autograde` inside a bubblewrap sandbox.

nbgrader_config.py sets `c.Execute.kernel_manager_class` to `SandboxKernelManager` unless
GRADING_SANDBOX=off. Per kernel:

- `bwrap --unshare-all --cap-drop ALL`: no network (only a loopback of its own), its own PID, IPC and
  UTS namespaces, no capabilities (so no remounting);
- read-only: /usr (and the /bin, /lib... links or folders), /etc, the venv, the Python it links to
  (`sys.base_prefix`) and the course's `helpers` package; a private /proc, /dev and tmpfs /tmp;
- writable: a scratch copy of the notebook's folder (autograded/<student>/<assignment>, minus the
  notebooks: the one being graded holds the restored hidden tests), bound at its
  real path so relative paths still work, with HOME and MPLCONFIGDIR inside it. Nothing else of the
  course folder exists in the sandbox (source/, release/, gradebook.db, other students' work);
- ZeroMQ over Unix sockets (`transport = "ipc"`) in a per-kernel folder bound into the sandbox,
  since TCP cannot cross the network namespace;
- a memory cap and a process-count cap: cgroup v1 memory.limit_in_bytes and pids.max when the
  cgroup folders are writable (root), else rlimits (RLIMIT_DATA, RLIMIT_NPROC);
- `--die-with-parent` and the PID namespace: when the kernel ends or is killed, every process it
  started dies with it; the cgroup is emptied (SIGKILL) on cleanup as well.

The kernel's interrupt goes as an `interrupt_request` message on the control channel: a SIGINT to
the process group would also reach bwrap itself, which would die and take the kernel with it.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode

CGROUP = Path("/sys/fs/cgroup")
CGROUP_PARENT = "nbgrader-sandbox"
BATCH_VARIABLE = "GRADING_SANDBOX_BATCH"  # set by intake.py: the batch's kernels' groups share a folder


def batch_name(course: Path) -> str:
    """One folder of cgroups per course being graded, so that a batch sweeps only its own kernels."""
    return hashlib.sha1(str(course.resolve()).encode()).hexdigest()[:12]


def batch_groups(batch: str) -> list[Path]:
    return [CGROUP / ctl / CGROUP_PARENT / batch for ctl in ("memory", "pids")]


def package_dirs(*names: str) -> list[Path]:
    """Folders of packages the kernel imports from outside the venv (the editable `helpers` install)."""
    import importlib.util

    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            found.append(Path(location).resolve())
    return found


def bwrap_path() -> str | None:
    """GRADING_BWRAP if set (a path), else bwrap from PATH."""
    return shutil.which(os.environ.get("GRADING_BWRAP", "bwrap"))


def system_binds() -> list[str]:
    """Read-only binds of the system: /usr, /etc, and /bin, /lib... as links when they are links."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def python_binds() -> list[str]:
    """The venv, the Python installation it links to, and the editable `helpers` package."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    paths.update(package_dirs("helpers"))
    args = []
    for path in sorted(paths, key=lambda p: len(p.parts)):
        if str(path).startswith("/usr/"):
            continue
        args += ["--ro-bind", str(path), str(path)]
    return args


def isolation_args() -> list[str]:
    """The bwrap options every sandbox shares: no network or capabilities, read-only system and
    Python, private /tmp, /proc and /dev. The start-up probe tests exactly what the kernels get."""
    return [
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--tmpfs",  # first: binds of paths under /tmp (a venv there) must land on top of it
        "/tmp",
        *system_binds(),
        *python_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]


def probe(bwrap: str | None = None) -> str | None:
    """None when a sandbox like the kernels' can start here; else why not (one line)."""
    bwrap = bwrap or bwrap_path()
    if not bwrap:
        return "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    cmd = [
        bwrap,
        *isolation_args(),
        "--",
        sys.executable,
        "-c",
        "import zmq",
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap does not run here ({error})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return f"bwrap does not run here: {last}"
    return None


def remove_cgroup(group: Path, wait: float = 15.0) -> str:
    """Kill everything in `group`, then remove it; "" when done, else why not. Killed processes take a
    moment to leave the group (longer on a loaded machine), and rmdir fails while any is still in it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            procs = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            return ""  # already gone
        for pid in procs:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            group.rmdir()
            return ""
        except OSError as error:
            if time.monotonic() > deadline:
                return str(error)
        time.sleep(0.05)


def sweep_batch(batch: str) -> list[str]:
    """After a batch: remove the groups of kernels whose manager never cleaned up (killing what is
    left in them), then the batch's folders. Returns one line per group that had to be swept."""
    swept = []
    for parent in batch_groups(batch):
        for group in (g for g in parent.glob("*") if g.is_dir()) if parent.is_dir() else []:
            error = remove_cgroup(group)
            swept.append(f"{group}: {error or 'removed'}")
        remove_cgroup(parent)
    return swept


# Sets the caps, then becomes the given command. (A shell's `ulimit` cannot: the process-count
# option is -u in bash but -p in dash, Debian's /bin/sh.) In bwrap's user namespace, without
# capabilities, RLIMIT_NPROC binds root as well (tests/test_grading_sandbox.py::test_the_caps_hold).
SET_RLIMITS = """import os, resource, sys
data, nproc = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_DATA, (data, data))
resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
os.execvp(sys.argv[3], sys.argv[3:])
"""


def cgroups_writable() -> bool:
    return all(os.access(CGROUP / ctl, os.W_OK) for ctl in ("memory", "pids"))


def limit_kind() -> str:
    """ "cgroup" when the cgroup folders are writable (root), else "rlimit"; GRADING_SANDBOX_LIMITS=rlimit
    forces rlimits."""
    forced = os.environ.get("GRADING_SANDBOX_LIMITS", "auto") == "rlimit"
    return "cgroup" if cgroups_writable() and not forced else "rlimit"


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in bubblewrap with a scratch copy of the notebook's folder."""

    memory_limit_mb = Integer(
        int(os.environ.get("GRADING_SANDBOX_MEMORY_MB", "3072")), help="Memory cap of one kernel (MiB)."
    ).tag(config=True)
    max_processes = Integer(
        int(os.environ.get("GRADING_SANDBOX_PIDS", "512")), help="Cap on processes and threads of one kernel."
    ).tag(config=True)
    bwrap = Unicode("", help="bwrap executable (default: from PATH).").tag(config=True)
    limits = Unicode(limit_kind(), help='How the caps are set: "cgroup" (needs root) or "rlimit".').tag(
        config=True
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._box = Path(tempfile.mkdtemp(prefix="nbg-sbx-"))  # short: Unix socket paths are <108 bytes
        self._scratch: Path | None = None
        self._cgroups: list[Path] = []
        self.transport = "ipc"
        self.ip = str(self._box / "ipc")
        self.connection_file = str(self._box / "kernel.json")

    # ------------------------------------------------------------------ launching
    def _scratch_for(self, cwd: Path) -> Path:
        if self._scratch is None:  # one scratch copy per notebook; a restart keeps what it holds
            self._scratch = self._box / "work"
            # Without the notebooks: the one being graded already holds the restored hidden tests.
            shutil.copytree(cwd, self._scratch, symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
            (self._scratch / ".home").mkdir(exist_ok=True)
        return self._scratch

    def _make_cgroups(self) -> list[str]:
        """Shell lines that move the launching shell into fresh cgroups; [] when rlimits are to be used."""
        if self.limits == "cgroup":
            batch = os.environ.get(BATCH_VARIABLE, "")
            name = "/".join(p for p in (CGROUP_PARENT, batch, uuid.uuid4().hex[:12]) if p)
            memory, pids = CGROUP / "memory" / name, CGROUP / "pids" / name
            try:
                memory.mkdir(parents=True)
                pids.mkdir(parents=True)
                (memory / "memory.limit_in_bytes").write_text(str(self.memory_limit_mb << 20))
                try:
                    (memory / "memory.memsw.limit_in_bytes").write_text(str(self.memory_limit_mb << 20))
                except OSError:
                    pass  # no swap accounting: the RAM cap alone
                (pids / "pids.max").write_text(str(self.max_processes))
                self._cgroups = [memory, pids]
                self.log.info(
                    "sandbox: bwrap, cgroup limits memory %d MiB, %d processes",
                    self.memory_limit_mb,
                    self.max_processes,
                )
                return [f"echo $$ > {shlex.quote(str(g / 'cgroup.procs'))}" for g in self._cgroups]
            except OSError as error:
                self.log.warning("sandbox: cgroups not usable (%s); using rlimits", error)
                self._remove_cgroups()
        self.log.info(
            "sandbox: bwrap, rlimits memory %d MiB (RLIMIT_DATA), %d processes (RLIMIT_NPROC)",
            self.memory_limit_mb,
            self.max_processes,
        )
        return []

    def rlimited(self, command: list[str]) -> list[str]:
        """`command` started with the caps as resource limits (kept across exec, inherited by children)."""
        caps = [str(self.memory_limit_mb << 20), str(self.max_processes)]
        return [sys.executable, "-c", SET_RLIMITS, *caps, *command]

    def sandboxed(self, kernel_cmd: list[str], cwd: Path) -> list[str]:
        scratch = self._scratch_for(cwd)
        home = cwd / ".home"
        env = {
            "HOME": str(home),
            "MPLCONFIGDIR": str(home / ".matplotlib"),
            "KERAS_HOME": str(home / ".keras"),
            "TMPDIR": "/tmp",
            "JUPYTER_RUNTIME_DIR": str(self._box / "runtime"),
            "IPYTHONDIR": str(home / ".ipython"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        args = [
            self.bwrap or bwrap_path() or "bwrap",
            *isolation_args(),
            "--bind",
            str(self._box),
            str(self._box),  # sockets and connection file
            "--bind",
            str(scratch),
            str(cwd),
            "--chdir",
            str(cwd),
        ]
        for name, value in env.items():
            args += ["--setenv", name, value]
        # ipykernel takes a parent pid other than its own parent's for "the parent has exited": in the
        # PID namespace its parent is bwrap (pid 1). --die-with-parent does that job instead.
        wrapped = [*args, "--unsetenv", "JPY_PARENT_PID", "--", *kernel_cmd]
        prologue = self._make_cgroups()
        if not prologue:
            return self.rlimited(wrapped)
        return ["/bin/sh", "-c", "; ".join([*prologue, 'exec "$@"']), "sandbox", *wrapped]

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw):
        cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        self._remove_cgroups()  # a restart: the old kernel is gone
        return await super()._async_launch_kernel(self.sandboxed(kernel_cmd, cwd), **kw)

    _launch_kernel = _async_launch_kernel  # AsyncKernelManager binds these names to its base's methods

    # ------------------------------------------------------------------ interrupting
    async def _async_interrupt_kernel(self) -> None:
        if not self.has_kernel:
            return
        msg = self.session.msg("interrupt_request", content={})
        self._connect_control_socket()
        self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel

    # ------------------------------------------------------------------ ending
    def _remove_cgroups(self) -> None:
        for group in self._cgroups:
            error = remove_cgroup(group)
            if error:
                self.log.warning("sandbox: could not remove %s (%s)", group, error)
        self._cgroups = []

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._remove_cgroups()
            shutil.rmtree(self._box, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources

    def __del__(self):
        try:
            self._remove_cgroups()
            shutil.rmtree(self._box, ignore_errors=True)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
