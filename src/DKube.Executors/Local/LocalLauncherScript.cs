namespace DKube.Executors.Local;

/// <summary>
/// The long-lived launcher (<see cref="LocalLauncher"/>): a small Python program, run by the system's
/// interpreter in isolated mode (<c>-I -S</c>: no environment, user site or current folder decides
/// what it imports), that reads one JSON start request per line on stdin and answers on stdout.
/// </summary>
internal static class LocalLauncherScript
{
    /// <remarks>
    /// - Each start is one <c>posix_spawn</c> (vfork-like, cheap from a small process) with
    ///   <c>setsid</c>, the request's working folder, argv and complete environment, stdin/stdout/stderr
    ///   on /dev/null, and every signal back at its default (Python ignores SIGPIPE and SIGXFSZ, and an
    ///   ignored signal survives exec). The wrapper it starts then records pid and exit code itself, so
    ///   the run's record never depends on this process.
    /// - Descriptors it inherited are made close-on-exec first, so no run gets one of them.
    /// - It answers <c>{"tag", "pid", "start"}</c> (start = /proc/pid/stat field 22) or
    ///   <c>{"tag", "error"}</c>; when a child ends, <c>{"exit": pid, "code"}</c>. Starting and reaping
    ///   take turns: the reaper looks (WNOWAIT) before it reaps, and reaps and reports under the same
    ///   lock a start holds, so a pid's start line always precedes its exit line and its start time
    ///   is read before the pid can be reused.
    /// - At end of input (the server is gone) it exits; its children, session leaders, live on and
    ///   are adopted by the next server from their pid files.
    /// </remarks>
    public const string Text =
        """
        import json, os, signal, sys, threading
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for fd in os.listdir('/proc/self/fd'):
            try:
                if int(fd) > 2:
                    os.set_inheritable(int(fd), False)
            except OSError:
                pass
        DEFAULTS = {s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)}
        STDIO = [(os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0), (os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
        turn = threading.Condition()
        live = 0
        def send(message):
            data = (json.dumps(message) + '\n').encode()
            while data:
                data = data[os.write(1, data):]
        def started(pid):
            with open('/proc/%d/stat' % pid) as stat:
                return int(stat.read().rpartition(')')[2].split()[19])
        def reap():
            global live
            while True:
                with turn:
                    while live == 0:
                        turn.wait()
                try:
                    ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
                except ChildProcessError:
                    continue
                if ended is None:
                    continue
                with turn:
                    pid, status = os.waitpid(ended.si_pid, 0)
                    live -= 1
                    send({'exit': pid, 'code': os.waitstatus_to_exitcode(status)})
        threading.Thread(target=reap, daemon=True).start()
        for line in sys.stdin.buffer:
            request = json.loads(line)
            with turn:
                try:
                    os.chdir(request['cwd'])
                    pid = os.posix_spawn(request['argv'][0], request['argv'], request['env'], file_actions=STDIO, setsid=True, setsigdef=DEFAULTS)
                except OSError as error:
                    send({'tag': request['tag'], 'error': str(error)})
                    continue
                finally:
                    os.chdir('/')
                live += 1
                turn.notify()
                send({'tag': request['tag'], 'pid': pid, 'start': started(pid)})
        """;
}
