using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// Reads a work's log from the pod log API: the master's pod of a run (completion index 0), the
/// one pod of an IDE. Following waits for the pod to start (its log cannot be read before) and
/// then streams until the container ends, when the API server closes the stream.
/// </summary>
internal sealed class KubernetesLogReader
{
    private readonly IKubernetes client;
    private readonly KubernetesOptions options;
    private readonly TimeProvider time;

    public KubernetesLogReader(IKubernetes client, KubernetesOptions options, TimeProvider time)
    {
        this.client = client;
        this.options = options;
        this.time = time;
    }

    /// <param name="isActive">Whether the work may still start a pod worth waiting for.</param>
    public async IAsyncEnumerable<string> ReadAsync(
        string id, bool follow, Func<CancellationToken, Task<bool>> isActive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var pod = await MasterPodAsync(id, cancellationToken);
            var started = pod?.Status?.Phase is "Running" or "Succeeded" or "Failed";
            var stream = started ? await OpenAsync(pod!, follow && pod!.Status.Phase == "Running", cancellationToken) : null;
            if (stream is null)
            {
                if (!follow || !await isActive(cancellationToken))
                {
                    yield break;
                }

                await Task.Delay(options.LogPollInterval, time, cancellationToken);
                continue;
            }

            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                yield return line;
            }

            yield break;
        }
    }

    private async Task<V1Pod?> MasterPodAsync(string id, CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespacedPodAsync(options.Namespace, labelSelector: KubernetesLabels.OfWork(id), cancellationToken: cancellationToken);
        return list.Items.OrderBy(KubernetesStatusMapper.Order).FirstOrDefault();
    }

    // 400 while the container has not started (or was just replaced): not readable yet.
    private async Task<Stream?> OpenAsync(V1Pod pod, bool follow, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedPodLogAsync(
                pod.Metadata.Name, options.Namespace, container: KubernetesManifests.ContainerName, follow: follow, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubernetesErrors.Is(e, HttpStatusCode.BadRequest) || KubernetesErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }
}
