namespace DKube.Executors.Local;

/// <summary>
/// A process as the kernel knows it: its pid plus its start time in clock ticks after boot
/// (/proc/&lt;pid&gt;/stat field 22). The pair survives pid reuse, the pid alone does not.
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, long StartTicks);
