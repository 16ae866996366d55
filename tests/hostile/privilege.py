"""Hostile kinds (what the sandbox can see and do: secrets reachable by install mode, capabilities, remounts, startup files).

Each kind's cell tries what only privilege would allow and, when something worked, says so
in an error whose message starts with :data:`WORKED` (never expected in any result) or,
where a capability leads to the reference solution, takes the points. What they change on
the host (a startup file or a sentinel in the Python environment, a process outside killed)
is checked by ``tests/test_privilege.py``, which hashes the environment around a batch.
"""
from __future__ import annotations

import atexit
import subprocess
from pathlib import Path

from tests.hostile import Kind, _hostile, add_cell, release, write, zero

WORKED = "PRIVILEGE-WORKED"
PLANTED = "hostile-{token}"          # the name of what the kinds plant in the environment
FILL_BUDGET_MB = 1024                # the corpus's --memory: the tmpfs folders together must hold less

REMOUNT_PLANT_PTH = '''
    # Remount the grader's Python environment read-write and plant a startup file (.pth)
    # in it: every later Python of the grader would run it.
    import ctypes, os, subprocess, sys, sysconfig
    _libc = ctypes.CDLL(None, use_errno=True)
    _MS_REMOUNT, _MS_BIND = 32, 4096
    _worked = []
    _folders = sorted({{p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}}
                      | {{sysconfig.get_paths()["purelib"], sys.prefix}})
    _line = "import os; open('{outside}/pth-ran-{token}', 'a').write(str(os.getpid()) + chr(10))\\n"
    for _folder in _folders:
        if _libc.mount(b"none", _folder.encode(), None, _MS_REMOUNT | _MS_BIND, None) == 0:
            _worked.append("remount " + _folder)
        _pth = os.path.join(_folder, "hostile-{token}.pth")
        for _command in (["mount", "-o", "remount,rw,bind", _folder],
                         ["unshare", "-Urm", "sh", "-c",
                          f'mount -o remount,rw,bind "{{_folder}}" && printf "%s" "$1" > "{{_pth}}"', "sh", _line]):
            try:
                if subprocess.run(_command, capture_output=True, timeout=10).returncode == 0:
                    _worked.append(" ".join(_command[:3]) + " " + _folder)
            except Exception:
                pass
        try:
            with open(_pth, "w") as _file:
                _file.write(_line)
            _worked.append("planted " + _pth)
        except OSError:
            pass
    if _worked or any(os.path.exists(os.path.join(f, "hostile-{token}.pth")) for f in _folders):
        raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
'''

WRITE_ENVIRONMENT = '''
    # Write into the grader's Python environment without remounting: new files next to the
    # packages, the interpreter's stdlib and the grader's own package; change modes and times.
    import os, sys, sysconfig
    import numpy
    _worked = []
    _folders = {{p for p in sys.path if p and os.path.isdir(p)}} | {{
        os.path.dirname(numpy.__file__), os.path.dirname(os.__file__), sysconfig.get_paths()["purelib"],
        sys.prefix, sys.base_prefix, os.path.dirname(sys.executable), "{root}/grader", "{root}"}}
    for _folder in sorted(_folders):
        try:
            with open(os.path.join(_folder, "hostile-{token}"), "w") as _file:
                _file.write("planted")
            _worked.append("wrote in " + _folder)
        except OSError:
            pass
    for _path in (numpy.__file__, os.__file__, sys.executable):
        for _name, _change in (("chmod", lambda p: os.chmod(p, 0o777)), ("utime", lambda p: os.utime(p, (0, 0))),
                               ("chown", lambda p: os.chown(p, 12345, 12345))):
            try:
                _change(_path)
                _worked.append(f"{{_name}} {{_path}}")
            except OSError:
                pass
    if _worked:
        raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
'''

MKNOD_MOUNT_DISK = '''
    # Make device nodes; with the host disk's, mount it and take the reference solutions.
    import ctypes, glob, os, stat, tempfile
    _libc = ctypes.CDLL(None, use_errno=True)
    _worked = []
    _disk = None
    for _folder in ("/tmp", "/dev", "/dev/shm", os.getcwd()):
        for _name, _kind, _device in (("mem", stat.S_IFCHR, os.makedev(1, 1)), ("kmsg", stat.S_IFCHR, os.makedev(1, 11)),
                                      ("disk", stat.S_IFBLK, os.stat("/usr").st_dev)):
            _node = os.path.join(_folder, "hostile-" + _name)
            try:
                os.mknod(_node, 0o600 | _kind, _device)
                _worked.append("mknod " + _node)
                if _name == "disk" and _disk is None:
                    _disk = _node
            except OSError:
                pass
    if _disk is not None:
        _mnt = tempfile.mkdtemp()
        for _fs in (b"ext4", b"xfs", b"btrfs", b"ext3"):
            if _libc.mount(_disk.encode(), _mnt.encode(), _fs, 1, None) == 0:      # MS_RDONLY
                _worked.append("mounted the host disk")
                break
        _found = sorted(glob.glob(_mnt + "{root}/solutions/week3/perceptron.py")
                        + glob.glob(_mnt + "/*/*/solutions/week3/perceptron.py"))
        if _found:
            exec(open(_found[0]).read(), globals())
            _worked.append("read " + _found[0])
    if _worked:
        raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
'''

MOUNT_TMPFS = '''
    # Mount file systems in the sandbox's own mount namespace (no user namespace of its own).
    import ctypes, os, tempfile
    _libc = ctypes.CDLL(None, use_errno=True)
    _worked = []
    for _target in (tempfile.mkdtemp(), os.getcwd(), "/opt/grader-child", os.path.dirname(os.__file__)):
        for _fs, _source in ((b"tmpfs", b"tmpfs"), (b"proc", b"proc"), (b"sysfs", b"sysfs")):
            if _libc.mount(_source, _target.encode(), _fs, 0, None) == 0:
                _worked.append(f"mounted {{_fs.decode()}} on {{_target}}")
                _libc.umount2(_target.encode(), 2)
    if _libc.unshare(0x00020000) == 0:                   # CLONE_NEWNS without CLONE_NEWUSER
        _worked.append("unshare(CLONE_NEWNS)")
    if _worked:
        raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
'''

READ_SHADOW = '''
    # Read what only root may read, and ask for privileges back (chroot last: it changes /).
    import ctypes, os
    _worked = []
    if os.geteuid() == 0:
        _worked.append("euid 0")
    _caps = [l for l in open("/proc/self/status") if l.startswith("CapEff")]
    if _caps and int(_caps[0].split()[1], 16):
        _worked.append(_caps[0].strip())
    _paths = ["/etc/shadow", "/etc/gshadow", "/root/.bash_history", "/proc/kcore"]
    if os.stat("/proc/1").st_uid != os.geteuid():        # bwrap's pid 1, when it is another uid's
        _paths.append("/proc/1/environ")
    for _path in _paths:
        try:
            with open(_path, "rb") as _file:
                _file.read(64)
            _worked.append("read " + _path)
        except OSError:
            pass
    _calls = [("setuid(0)", lambda: os.setuid(0)), ("setgid(0)", lambda: os.setgid(0)),
              ("setgroups", lambda: os.setgroups([0])), ("sethostname", lambda: os.sethostname("hostile")),
              ("chroot", lambda: os.chroot("/tmp"))]
    for _name, _call in _calls:
        try:
            _call()
            _worked.append(_name)
        except (OSError, AttributeError):
            pass
    if _worked:
        raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
'''

FILL_TMPFS = '''
    # Fill the sandbox's scratch folders (tmpfs: host memory) and its working folder (host
    # disk, or a tmpfs) with files under the per-file cap, each up to 1.2 GB.
    import os
    _chunk = b"\\x01" * (64 << 20)
    _wrote = {{}}
    for _folder, _most in (("/tmp", 1200), ("/dev/shm", 400), ("/var/tmp", 400), (os.getcwd(), 1200)):
        _wrote[_folder] = 0
        for _n in range(_most // 64):
            try:
                with open(os.path.join(_folder, f"hostile-fill-{{_n}}"), "wb") as _file:
                    _file.write(_chunk)
                _wrote[_folder] += 64
            except OSError:
                break
    _memory = sum(mb for folder, mb in _wrote.items() if folder != os.getcwd())
    _problems = []
    if _memory > {budget}:
        _problems.append(f"{{_memory}} MB of tmpfs (host memory) filled")
    if _wrote[os.getcwd()] > {budget} // 2:
        _problems.append(f"working folder: {{_wrote[os.getcwd()]}} MB written")
    for _name in os.listdir(os.getcwd()):
        if _name.startswith("hostile-fill-"):
            os.unlink(_name)
    if _problems:
        raise RuntimeError("PRIVILEGE" + f"-WORKED: {{'; '.join(_problems)}}: {{_wrote}}")
'''


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def _signal_outside(folder: Path, ctx) -> None:
    """A process of the test's (a host process outside the sandbox) that the cell tries to kill,
    stop and trace by its pid; its pid is written to ``outside/canary-<token>-<pid>.pid``."""
    ctx.outside.mkdir(parents=True, exist_ok=True)
    canary = subprocess.Popen(["sleep", "1800"], start_new_session=True)
    atexit.register(_stop, canary)        # when the test process ends (the batch is over by then)
    (ctx.outside / f"canary-{ctx.token}-{canary.pid}.pid").write_text(str(canary.pid))
    code = f'''
        # Kill, stop and trace processes outside the sandbox: a host process by its pid, and
        # every pid this sandbox can see that is not its own (counted where tracing gains
        # something: another uid or capabilities; bwrap's own pid 1 as the same uid gains nothing).
        import ctypes, os, signal
        _libc = ctypes.CDLL(None, use_errno=True)
        _worked = []
        _mine = os.getpid()
        _pids = {{{canary.pid}}} | {{int(p) for p in os.listdir("/proc") if p.isdigit()}}
        def _gains(pid):
            """Tracing gives something: the host's process, another uid, or capabilities."""
            try:
                status = dict(l.split(":", 1) for l in open(f"/proc/{{pid}}/status") if ":" in l)
            except OSError:
                return True
            return (pid == {canary.pid} or int(status["Uid"].split()[1]) != os.geteuid()
                    or int(status["CapPrm"], 16) != 0)

        for _pid in sorted(_pids - {{_mine}}):
            if _libc.ptrace(16, _pid, None, None) == 0:          # PTRACE_ATTACH
                if _gains(_pid):
                    _worked.append(f"ptrace {{_pid}}")
                _libc.ptrace(17, _pid, None, None)              # PTRACE_DETACH
        for _sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill({canary.pid}, _sig)
                _worked.append(f"signal {{_sig}} to the host's process")
            except OSError:
                pass
        if _worked:
            raise RuntimeError("PRIVILEGE" + "-WORKED: " + "; ".join(_worked))
    '''
    write(folder, add_cell(release(), code, "end"))


def _formatted_fill() -> str:
    return FILL_TMPFS.replace("{budget}", str(FILL_BUDGET_MB))


def kinds() -> list[Kind]:
    absent = (WORKED,)
    return [
        Kind("priv_remount_plant_pth", "hostile",
             "remounts site-packages read-write (mount(2), mount, unshare -Urm) and plants a .pth startup file",
             _hostile(REMOUNT_PLANT_PTH), zero, absent=absent, isolation=True, extra={"environment": True}),
        Kind("priv_write_environment", "hostile",
             "writes files into site-packages, the stdlib, the grader package; chmod/chown/utime of numpy and os",
             _hostile(WRITE_ENVIRONMENT), zero, absent=absent, isolation=True, extra={"environment": True}),
        Kind("priv_mknod_mount_disk", "hostile",
             "mknod /dev/mem, /dev/kmsg and the host disk's block device; mounts the disk and execs solutions/",
             _hostile(MKNOD_MOUNT_DISK), zero, absent=absent, isolation=True),
        Kind("priv_mount_tmpfs", "hostile", "mounts tmpfs/proc/sysfs on its folders and the stdlib; unshare(CLONE_NEWNS)",
             _hostile(MOUNT_TMPFS), zero, absent=absent, isolation=True),
        Kind("priv_read_shadow", "hostile", "reads /etc/shadow and /proc/1/environ; setuid(0), chroot, capabilities",
             _hostile(READ_SHADOW), zero, absent=absent, isolation=True),
        Kind("priv_signal_ptrace_outside", "hostile",
             "kills, stops and ptraces a host process by pid, and every other pid it can see",
             _signal_outside, zero, absent=absent, isolation=True, extra={"host_process": True}),
        Kind("priv_fill_tmpfs", "hostile",
             "64 MB files (under the per-file cap) until refused in /tmp, /dev/shm, /var/tmp and its working folder",
             _hostile(_formatted_fill()), zero, absent=absent, isolation=True),
    ]
