using System.Text;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>A container's output as the kubelet would serve it: text so far, and whether the container has ended.</summary>
internal sealed class FakeLog
{
    private readonly Lock sync = new();
    private readonly StringBuilder text = new();
    private bool ended;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Append(string more, bool end = false)
    {
        TaskCompletionSource wake;
        lock (sync)
        {
            text.Append(more);
            ended |= end;
            wake = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    public (string Text, bool Ended, Task Changed) From(int offset)
    {
        lock (sync)
        {
            return (text.ToString(offset, text.Length - offset), ended, changed.Task);
        }
    }
}
