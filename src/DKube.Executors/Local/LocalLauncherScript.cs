namespace DKube.Executors.Local;

/// <summary>
/// The long-lived launcher (<see cref="LocalLauncher"/>): a small Python program, run by the system's
/// interpreter in isolated mode (<c>-I -S</c>: no environment, user site or current folder decides
/// what it imports), that reads one JSON start request per line on stdin and answers on stdout.
/// </summary>
internal static class LocalLauncherScript
{
    /// <remarks>
    /// - One thread, one loop: <c>select</c> on stdin and on the wake-up pipe of SIGCHLD. With no
    ///   other thread a fork copies no held lock, and a pid's start line always precedes its exit
    ///   line (a child is only reaped by the same loop that answered its start, and its start time
    ///   is read before it can be reaped, so before its pid can be reused).
    /// - A start forks the run's wrapper, which applies the sandbox itself and execs nothing of its
    ///   own: it becomes a session leader (setsid) in the run's folder, takes stdin from /dev/null
    ///   and stdout + stderr to the run's log (so nothing of the server or the launcher, pipe or
    ///   descriptor, stays open in the run), ignores SIGTERM (so it outlives a stop long enough to
    ///   record the command's status), writes "pid starttime" to the pid file, then forks the
    ///   command: every signal back at its default (Python ignores SIGPIPE and SIGXFSZ, and an
    ///   ignored signal survives exec), RLIMIT_DATA when a memory limit is given, and with an
    ///   account no supplementary groups, its gid and uid (real, effective and saved) and
    ///   no_new_privs, then one execve of the shell with exactly the request's environment. The
    ///   wrapper waits, writes the exit code (128 + signal for a killed command, as a shell reports
    ///   it) and exits. So a run costs two forks of this small process and one exec, where a shell
    ///   wrapper, setpriv and a shell that sources the run's variables cost four execs.
    /// - A request without <c>sandbox</c> is spawned as it is (one <c>posix_spawn</c> with setsid).
    /// - It answers <c>{"tag", "pid", "start"}</c> (start = /proc/pid/stat field 22) or
    ///   <c>{"tag", "error"}</c>; when a child ends, <c>{"exit": pid, "code"}</c>.
    /// - At end of input (the server is gone) it exits; its children, session leaders that record
    ///   their own ends, live on and are adopted by the next server from their pid files.
    /// </remarks>
    public const string Text =
        """
        import gc, json, os, resource, select, signal
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for fd in os.listdir('/proc/self/fd'):
            try:
                if int(fd) > 2:
                    os.set_inheritable(int(fd), False)
            except OSError:
                pass
        DEFAULTS = {s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)}
        STDIO = [(os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
        WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
        prctl = None
        def send(message):
            data = (json.dumps(message) + '\n').encode()
            while data:
                data = data[os.write(1, data):]
        def started(pid):
            with open('/proc/%d/stat' % pid, 'rb') as stat:
                return int(stat.read().rpartition(b')')[2].split()[19])
        def write_all(fd, data):
            while data:
                data = data[os.write(fd, data):]
        def put(path, text):
            fd = os.open(path, WRITE, 0o644)
            try:
                write_all(fd, text.encode())
            finally:
                os.close(fd)
        def command(request, box):
            try:
                for s in DEFAULTS:
                    signal.signal(s, signal.SIG_DFL)
                if box.get('data') is not None:
                    resource.setrlimit(resource.RLIMIT_DATA, (box['data'], box['data']))
                if box.get('uid') is not None:
                    os.setgroups([])
                    os.setgid(box['gid'])
                    os.setuid(box['uid'])
                    if prctl(38, 1, 0, 0, 0) != 0:
                        raise OSError('prctl(PR_SET_NO_NEW_PRIVS) failed')
                os.execve(request['argv'][0], request['argv'], request['env'])
            except BaseException as error:
                os.write(2, ('dkube: the run could not start: %s\n' % error).encode())
            os._exit(127)
        def wrapper(request):
            try:
                gc.disable()
                box = request['sandbox']
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                os.setsid()
                os.chdir(request['cwd'])
                null = os.open('/dev/null', os.O_RDONLY)
                log = os.open(box['log'], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
                os.dup2(null, 0)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.closerange(3, 1 << 20)
                put(box['pid'], '%d %d\n' % (os.getpid(), started(os.getpid())))
                child = os.fork()
                if child == 0:
                    command(request, box)
                _, status = os.waitpid(child, 0)
                code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                put(box['exit'], '%d\n' % code)
                os._exit(code & 255)
            except BaseException as error:
                try:
                    os.write(2, ('dkube: the run could not start: %s\n' % error).encode())
                finally:
                    os._exit(127)
        def start(request):
            global prctl
            if 'sandbox' not in request:
                os.chdir(request['cwd'])
                try:
                    return os.posix_spawn(request['argv'][0], request['argv'], request['env'], file_actions=STDIO, setsid=True, setsigdef=DEFAULTS)
                finally:
                    os.chdir('/')
            if prctl is None and request['sandbox'].get('uid') is not None:
                import ctypes
                prctl = ctypes.CDLL(None, use_errno=True).prctl
            pid = os.fork()
            if pid == 0:
                wrapper(request)
            return pid
        def reap():
            while True:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    return
                if pid == 0:
                    return
                send({'exit': pid, 'code': os.waitstatus_to_exitcode(status)})
        wake, woken = os.pipe()
        os.set_blocking(woken, False)
        os.set_blocking(wake, False)
        signal.set_wakeup_fd(woken)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        gc.freeze()
        pending = b''
        while True:
            ready, _, _ = select.select([0, wake], [], [])
            if wake in ready:
                try:
                    while os.read(wake, 512):
                        pass
                except BlockingIOError:
                    pass
                reap()
            if 0 not in ready:
                continue
            chunk = os.read(0, 1 << 16)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b'\n')
            for line in lines:
                if not line:
                    continue
                request = json.loads(line)
                try:
                    pid = start(request)
                except OSError as error:
                    send({'tag': request['tag'], 'error': str(error)})
                    continue
                send({'tag': request['tag'], 'pid': pid, 'start': started(pid)})
            reap()
        """;
}
