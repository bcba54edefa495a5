using DKube.Executors.Local;

namespace DKube.Executors.Tests.Local;

public sealed class ProcFsTests
{
    [Fact]
    public void Stat_fields_are_counted_after_a_command_name_with_spaces_and_parentheses()
    {
        const string line = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50 0";

        var stat = ProcFs.ParseStat(line);

        Assert.Equal(new ProcStat('S', 4242, 987654), stat);
    }

    [Fact]
    public void The_current_process_is_alive_under_its_own_start_time_only()
    {
        var pid = Environment.ProcessId;
        var stat = ProcFs.ReadStat(pid)!.Value;

        Assert.True(ProcFs.IsAlive(new ProcessIdentity(pid, stat.StartTicks)));
        Assert.False(ProcFs.IsAlive(new ProcessIdentity(pid, stat.StartTicks + 1)));
    }
}
