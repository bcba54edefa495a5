using System.Runtime.InteropServices;

namespace DKube.Executors.Local;

/// <summary>Sends signals to a whole process group, which .NET's Process class cannot do.</summary>
internal static partial class PosixSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Signals every process of the group; a group that is already gone is not an error.</summary>
    public static void SignalGroup(int processGroup, int signal)
    {
        // kill(-pgid) addresses the group; never let 0 or 1 through, which mean "our group" and "everyone".
        if (processGroup <= 1)
            throw new ArgumentOutOfRangeException(nameof(processGroup), processGroup, "Not a run's process group.");

        _ = Kill(-processGroup, signal);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
