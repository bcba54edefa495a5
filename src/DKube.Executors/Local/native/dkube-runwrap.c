/*
 * dkube-runwrap: the per-run helper of the local executor (conmon-style). It does in one exec
 * what the shell wrapper (LocalWrapperScript), setsid and setpriv do, so a run costs two execs
 * (this helper, the command's shell) instead of three.
 *
 *   dkube-runwrap [--uid=N --gid=N] -- PROGRAM ARG...
 *
 * Environment (exactly what the executor built; passed on unchanged to PROGRAM):
 *   DKUBE_WORK_DIR          the run's working folder (required): output.log, .dkube/pid, .dkube/exit_code
 *   DKUBE_MEMORY_LIMIT_KIB  when set and not empty: RLIMIT_DATA (soft and hard), as `ulimit -d`
 *
 * What it does, in order (the shell wrapper's order):
 *   1. a session of its own (setsid; already one when the launcher spawned it with setsid);
 *   2. stdin from /dev/null, stdout and stderr appended to output.log (never a pipe to the server,
 *      which would break when the server dies);
 *   3. "pid starttime\n" to .dkube/pid (field 22 of /proc/self/stat) before the command runs:
 *      the record a restarted server adopts the run by;
 *   4. RLIMIT_DATA, inherited by everything the command starts;
 *   5. TERM caught by a no-op handler, so a stop of the group does not end this process before it
 *      has recorded the command's status (the `trap : TERM` of the wrapper);
 *   6. fork; the child puts TERM back to its default, drops to --uid/--gid as setpriv
 *      --reuid --regid --clear-groups --no-new-privs does (no supplementary groups, real, effective
 *      and saved ids; the kernel clears the permitted, effective and ambient capabilities on the
 *      change from uid 0), and execs PROGRAM;
 *   7. the parent waits, writes the status to .dkube/exit_code (a signal n as 128+n, as a shell
 *      reports it) and exits with it.
 * Nothing here searches PATH or reads a variable other than the two above, so what the run set in
 * its environment cannot change what this privileged process does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void ignore_term(int signal_number) { (void)signal_number; }

static int fail(const char *what, const char *detail)
{
    dprintf(2, "dkube-runwrap: %s%s%s: %s\n", what, detail ? " " : "", detail ? detail : "", strerror(errno));
    return 127;
}

static int parse_id(const char *text, long *id)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > 0x7fffffffL)
        return -1;
    *id = value;
    return 0;
}

/* Writes text to path (created 0666 less the umask, truncated), as the shell's `>` does. */
static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

/* Field 22 (starttime) of /proc/self/stat, counted after the ')' that ends the command name. */
static int start_time(unsigned long long *start)
{
    char buffer[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t length = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (length <= 0)
        return -1;
    buffer[length] = '\0';
    char *field = strrchr(buffer, ')');
    if (field == NULL)
        return -1;
    /* After ')' come fields 3 (state), 4, ...: field 22 is the 20th. */
    for (int index = 3; index <= 22; index++)
    {
        while (*field && *field != ' ')
            field++;
        while (*field == ' ')
            field++;
        if (*field == '\0')
            return -1;
    }
    *start = strtoull(field, NULL, 10);
    return 0;
}

int main(int argc, char **argv)
{
    long uid = -1, gid = -1;
    int first = 1;
    for (; first < argc; first++)
    {
        if (strcmp(argv[first], "--") == 0)
        {
            first++;
            break;
        }
        if (strncmp(argv[first], "--uid=", 6) == 0 && parse_id(argv[first] + 6, &uid) == 0)
            continue;
        if (strncmp(argv[first], "--gid=", 6) == 0 && parse_id(argv[first] + 6, &gid) == 0)
            continue;
        dprintf(2, "dkube-runwrap: unknown argument '%s'\n", argv[first]);
        return 127;
    }
    if (first >= argc || (uid < 0) != (gid < 0))
    {
        dprintf(2, "usage: dkube-runwrap [--uid=N --gid=N] -- PROGRAM ARG...\n");
        return 127;
    }

    const char *work_dir = getenv("DKUBE_WORK_DIR");
    if (work_dir == NULL || work_dir[0] != '/')
    {
        dprintf(2, "dkube-runwrap: DKUBE_WORK_DIR must be an absolute path\n");
        return 127;
    }

    /* EPERM: already a session leader (the launcher spawns with setsid). */
    if (setsid() < 0 && errno != EPERM)
        return fail("setsid", NULL);

    char path[4096];
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0)
        return fail("open", "/dev/null");
    close(null_fd);
    if (snprintf(path, sizeof path, "%s/output.log", work_dir) >= (int)sizeof path)
        return 127;
    int log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (log_fd < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
        return fail("open", path);
    close(log_fd);

    unsigned long long start;
    char line[64];
    if (start_time(&start) < 0)
        return fail("read", "/proc/self/stat");
    snprintf(line, sizeof line, "%ld %llu\n", (long)getpid(), start);
    if (snprintf(path, sizeof path, "%s/.dkube/pid", work_dir) >= (int)sizeof path || write_file(path, line) < 0)
        return fail("write", path);

    const char *limit = getenv("DKUBE_MEMORY_LIMIT_KIB");
    if (limit != NULL && limit[0] != '\0')
    {
        char *end;
        errno = 0;
        unsigned long long kib = strtoull(limit, &end, 10);
        struct rlimit data = { (rlim_t)kib * 1024, (rlim_t)kib * 1024 };
        /* As the wrapper's `ulimit -d`: a bad value is reported and the command still runs. */
        if (errno != 0 || end == limit || *end != '\0' || setrlimit(RLIMIT_DATA, &data) < 0)
            fail("RLIMIT_DATA", limit);
    }

    struct sigaction term = { 0 };
    term.sa_handler = ignore_term;
    term.sa_flags = SA_RESTART;
    sigemptyset(&term.sa_mask);
    if (sigaction(SIGTERM, &term, NULL) < 0)
        return fail("sigaction", NULL);

    pid_t child = fork();
    if (child < 0)
        return fail("fork", NULL);
    if (child == 0)
    {
        /* A TERM before the exec below ends the child, not a no-op: the stop must not be lost. */
        signal(SIGTERM, SIG_DFL);
        if (uid >= 0)
        {
            if (setgroups(0, NULL) < 0)
                _exit(fail("setgroups", NULL));
            if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0)
                _exit(fail("setresgid", NULL));
            if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
                _exit(fail("setresuid", NULL));
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                _exit(fail("PR_SET_NO_NEW_PRIVS", NULL));
        }
        execv(argv[first], argv + first);
        /* As a shell reports it: 127 not found, 126 found but not executable. */
        int code = errno == ENOENT ? 127 : 126;
        fail("exec", argv[first]);
        _exit(code);
    }

    int status;
    while (waitpid(child, &status, 0) < 0)
    {
        if (errno != EINTR)
            return fail("waitpid", NULL);
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
    snprintf(line, sizeof line, "%d\n", code);
    if (snprintf(path, sizeof path, "%s/.dkube/exit_code", work_dir) >= (int)sizeof path || write_file(path, line) < 0)
        fail("write", path);
    return code;
}
