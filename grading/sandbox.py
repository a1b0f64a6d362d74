"""Run every student kernel of `nbgrader autograde` inside a bubblewrap sandbox.

nbgrader_config.py sets `c.Execute.kernel_manager_class` to `SandboxKernelManager` unless
GRADING_SANDBOX=off. Per kernel:

- `bwrap --unshare-all --cap-drop ALL`: no network (only a loopback of its own), its own PID, IPC and
  UTS namespaces, no capabilities (so no remounting);
- read-only: /usr (and the /bin, /lib... links or folders), /etc, the venv, the Python it links to
  (`sys.base_prefix`) and the student build of the course's `helpers` package (without the quiz key,
  bound where the instructor's copy is, so imports work unchanged; the key is added for the
  assignments in `key_assignments`, the graded quiz, and never for a feedback run); a private /proc
  and /dev;
- writable, size-capped and in memory (tmpfs, `disk_limit_mb` each): the working folder, /tmp and
  /dev/shm. The working folder starts as a copy of the notebook's folder (autograded/<student>/
  <assignment>, minus the notebooks: the one being graded holds the restored hidden tests), mounted
  at its real path so relative paths still work, with HOME and MPLCONFIGDIR inside it; RLIMIT_FSIZE
  caps any one file at the same size. A write past a cap raises OSError (ENOSPC, EFBIG) in the
  kernel. Nothing else of the course folder exists in the sandbox (source/, release/, gradebook.db,
  other students' work), and nothing the kernel writes reaches the grading machine's disk;
- ZeroMQ over Unix sockets (`transport = "ipc"`, since TCP cannot cross the network namespace),
  created by the kernel in a small tmpfs of its own; the grader reaches them through
  /proc/<sandbox pid>/root. The per-kernel folder with the connection file is bound read-only;
- a memory cap and a process-count cap: cgroup v1 memory.limit_in_bytes and pids.max when the
  cgroup folders are writable (root), else rlimits (RLIMIT_DATA, RLIMIT_NPROC);
- `--die-with-parent` and the PID namespace: when the kernel ends or is killed, every process it
  started dies with it; the cgroup is emptied (SIGKILL) on cleanup as well.

The kernel's interrupt goes as an `interrupt_request` message on the control channel: a SIGINT to
the process group would also reach bwrap itself, which would die and take the kernel with it.
"""

from __future__ import annotations

import functools
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
from traitlets import Bool, Integer, List, Unicode

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


KEY_FILES = ("quiz/key.json",)  # what the student build of `helpers` leaves out (the quiz key)


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha1(str(folder).encode())
    for path in sorted(folder.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def private_cache() -> Path:
    """A cache folder only this account can read: the sandbox's builds of `helpers` (one of them may
    hold the quiz key)."""
    cache = Path(tempfile.gettempdir()) / f"nbgrader-sandbox-{os.getuid()}"
    cache.mkdir(mode=0o700, exist_ok=True)
    mine = cache.lstat()
    if cache.is_symlink() or mine.st_uid != os.getuid() or mine.st_mode & 0o077:
        # Someone else made it (a student on a shared machine could plant a `helpers` there): a
        # private folder of this process instead.
        cache = Path(tempfile.mkdtemp(prefix="nbgrader-sandbox-"))
    return cache


def _publish(building: Path, target: Path) -> Path:
    try:
        (building / "helpers").rename(target)  # atomic: two grading processes may build at once
    except OSError:
        pass  # the other one was first
    shutil.rmtree(building, ignore_errors=True)
    return target


@functools.lru_cache(maxsize=8)  # once per grading process (each kernel start asks)
def student_helpers(helpers: Path) -> Path:
    """The student build of the `helpers` package at `helpers` (what the classroom gives students: no
    quiz key), made once per version of it in a cache folder of this account; `helpers` itself when it
    holds no key already (the classroom's course environment)."""
    if not any((helpers / name).exists() for name in KEY_FILES):
        return helpers
    cache = private_cache()
    target = cache / f"helpers-{_fingerprint(helpers)}"
    if target.is_dir():
        return target
    building = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    build = helpers.parent / "classroom" / "student_build.py"
    if build.exists():  # the checkout: the classroom's own student build of helpers
        import importlib.util

        spec = importlib.util.spec_from_file_location("_course_student_build", build)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build_helpers(building / "helpers", helpers)
    else:
        keys = {helpers / name for name in KEY_FILES}

        def leave_out(folder: str, names: list[str]) -> set[str]:
            return {name for name in names if name == "__pycache__" or Path(folder, name) in keys}

        shutil.copytree(helpers, building / "helpers", ignore=leave_out)
    return _publish(building, target)


@functools.lru_cache(maxsize=8)
def helpers_with_key(helpers: Path, key_file: Path) -> Path:
    """`helpers` with the quiz key copied in from `key_file`, in this account's private cache: for a
    quiz kernel when the course environment's `helpers` has no key (the classroom hub, where the
    instructor keeps the key in the private course folder, `key_file` of SandboxKernelManager)."""
    cache = private_cache()
    digest = hashlib.sha1(key_file.read_bytes()).hexdigest()[:12]
    target = cache / f"helpers-key-{_fingerprint(helpers)}-{digest}"
    if target.is_dir():
        return target
    building = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
    shutil.copytree(helpers, building / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(key_file, building / "helpers" / KEY_FILES[0])
    return _publish(building, target)


def python_binds(key: bool = False, key_file: Path | None = None) -> list[str]:
    """The venv, the Python installation it links to, and the student build of the editable `helpers`
    package, bound where the package is (so `import helpers` works unchanged, minus the quiz key).
    With `key`, the package with its key (a kernel grading the quiz: its hidden tests read it): the
    key in `key_file` when one is given, else the package's own."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    helpers = set(package_dirs("helpers"))
    args = []
    for path in sorted(paths | helpers, key=lambda p: len(p.parts)):
        if str(path).startswith("/usr/") and path not in helpers:
            continue
        source = path
        if path in helpers and key and key_file:
            source = helpers_with_key(path, key_file)
        elif path in helpers and not key:
            source = student_helpers(path)
        args += ["--ro-bind", str(source), str(path)]
    return args


def disk_mb() -> int:
    return int(os.environ.get("GRADING_SANDBOX_DISK_MB", "256"))


def isolation_args(disk: int | None = None, key: bool = False, key_file: Path | None = None) -> list[str]:
    """The bwrap options every sandbox shares: no network or capabilities, read-only system and
    Python, private /proc and /dev, /tmp and /dev/shm in tmpfs of `disk` MiB each. The start-up
    probe tests exactly what the kernels get."""
    disk = disk_mb() if disk is None else disk
    return [
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--size",
        str(disk << 20),
        "--tmpfs",  # first: binds of paths under /tmp (a venv there) must land on top of it
        "/tmp",
        *system_binds(),
        *python_binds(key, key_file),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",  # --dev's own tmpfs is not capped: /dev/shm gets one that is
        str(disk << 20),
        "--tmpfs",
        "/dev/shm",
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


# Runs first inside the sandbox: fills the (empty, size-capped) working folder with the submission's
# files, caps the size of any one file the kernel writes (RLIMIT_FSIZE: Python ignores SIGXFSZ, so a
# write past it raises OSError EFBIG), then becomes the kernel.
START_INSIDE = """import os, resource, shutil, sys
seed, cwd, fsize = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    shutil.copytree(seed, cwd, symlinks=True, dirs_exist_ok=True)
except OSError as error:
    print("sandbox: the submission's files do not fit in the working folder:", error, file=sys.stderr)
resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
os.execvp(sys.argv[4], sys.argv[4:])
"""
SEED = "/nbgrader-seed"  # where the scratch copy is bound (read-only) for START_INSIDE to copy it
SOCKETS = "/nbgrader-ipc"  # the kernel's ZeroMQ sockets: a tmpfs inside the sandbox


def sandbox_root(pid: int, wait: float = 10.0) -> str | None:
    """/proc/<pid>/root of the sandbox bwrap `pid` started (its child: pid 1 of the new namespaces)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return None  # bwrap is gone already
        if children:
            return f"/proc/{children[0]}/root"
        time.sleep(0.01)
    return None


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
    disk_limit_mb = Integer(
        disk_mb(),
        help="Size of each writable place of one kernel (working folder, /tmp, /dev/shm: tmpfs) and of "
        "any one file it writes (RLIMIT_FSIZE), MiB.",
    ).tag(config=True)
    key_assignments = List(
        Unicode(), ["quiz"], help="Assignments whose hidden tests read the quiz key."
    ).tag(config=True)
    answer_key = Bool(True, help="Give key_assignments the key (False in a feedback run).").tag(config=True)
    key_file = Unicode(
        os.environ.get("GRADING_QUIZ_KEY", ""),
        help="The quiz key file for key_assignments when the course environment's `helpers` has none "
        "(the classroom hub: the instructor's private copy); default: the package's own key.",
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
        self.ip = f"{SOCKETS}/ipc"  # as the kernel sees it; the grader's path is set at launch
        self.connection_file = str(self._box / "kernel.json")

    # ------------------------------------------------------------------ launching
    def _scratch_for(self, cwd: Path) -> Path:
        if self._scratch is None:  # one copy per notebook; each (re)start begins from it
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
                    "sandbox: bwrap, cgroup limits memory %d MiB, %d processes; disk %d MiB per place",
                    self.memory_limit_mb,
                    self.max_processes,
                    self.disk_limit_mb,
                )
                return [f"echo $$ > {shlex.quote(str(g / 'cgroup.procs'))}" for g in self._cgroups]
            except OSError as error:
                self.log.warning("sandbox: cgroups not usable (%s); using rlimits", error)
                self._remove_cgroups()
        self.log.info(
            "sandbox: bwrap, rlimits memory %d MiB (RLIMIT_DATA), %d processes (RLIMIT_NPROC); disk %d MiB "
            "per place",
            self.memory_limit_mb,
            self.max_processes,
            self.disk_limit_mb,
        )
        return []

    def rlimited(self, command: list[str]) -> list[str]:
        """`command` started with the caps as resource limits (kept across exec, inherited by children)."""
        caps = [str(self.memory_limit_mb << 20), str(self.max_processes)]
        return [sys.executable, "-c", SET_RLIMITS, *caps, *command]

    def grades_with_key(self, cwd: Path) -> bool:
        """Does this kernel grade an assignment whose hidden tests read the quiz key? (Its folder is
        autograded/<student>/<assignment>.)"""
        return self.answer_key and cwd.name in self.key_assignments

    def _key_file(self) -> Path | None:
        if not self.key_file:
            return None
        path = Path(self.key_file)
        if not path.is_file():
            raise RuntimeError(f"sandbox: the quiz key file {path} (key_file, GRADING_QUIZ_KEY) is missing")
        return path

    def sandboxed(self, kernel_cmd: list[str], cwd: Path) -> list[str]:
        scratch = self._scratch_for(cwd)
        key = self.grades_with_key(cwd)
        home = cwd / ".home"
        disk = self.disk_limit_mb << 20
        env = {
            "HOME": str(home),
            "MPLCONFIGDIR": str(home / ".matplotlib"),
            "KERAS_HOME": str(home / ".keras"),
            "TMPDIR": "/tmp",
            "JUPYTER_RUNTIME_DIR": f"{SOCKETS}/runtime",
            "IPYTHONDIR": str(home / ".ipython"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        args = [
            self.bwrap or bwrap_path() or "bwrap",
            *isolation_args(self.disk_limit_mb, key=key, key_file=self._key_file() if key else None),
            "--ro-bind",
            str(self._box),
            str(self._box),  # the connection file (and the scratch copy, read by START_INSIDE)
            "--ro-bind",
            str(scratch),
            SEED,
            "--size",
            str(1 << 20),
            "--tmpfs",
            SOCKETS,
            "--size",
            str(disk),
            "--tmpfs",
            str(cwd),
            "--chdir",
            str(cwd),
        ]
        for name, value in env.items():
            args += ["--setenv", name, value]
        # ipykernel takes a parent pid other than its own parent's for "the parent has exited": in the
        # PID namespace its parent is bwrap (pid 1). --die-with-parent does that job instead.
        inside = [sys.executable, "-c", START_INSIDE, SEED, str(cwd), str(disk), *kernel_cmd]
        wrapped = [*args, "--unsetenv", "JPY_PARENT_PID", "--", *inside]
        prologue = self._make_cgroups()
        if not prologue:
            return self.rlimited(wrapped)
        return ["/bin/sh", "-c", "; ".join([*prologue, 'exec "$@"']), "sandbox", *wrapped]

    async def _async_pre_start_kernel(self, **kw):
        self.ip = f"{SOCKETS}/ipc"  # the connection file names the sockets as the kernel sees them
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw):
        cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        self._remove_cgroups()  # a restart: the old kernel is gone
        self.ip = f"{SOCKETS}/ipc"
        result = await super()._async_launch_kernel(self.sandboxed(kernel_cmd, cwd), **kw)
        # The grader reaches the sockets through the sandbox's root; ZeroMQ retries until they exist.
        root = sandbox_root(self.provisioner.process.pid)
        if root:
            self.ip = f"{root}{SOCKETS}/ipc"
        return result

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
