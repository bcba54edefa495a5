namespace DKube.Scheduling;

/// <summary>Shape checks on a request, so nonsense is refused with a reason instead of throwing deep inside placement.</summary>
internal static class RequestValidator
{
    /// <summary>Returns why the request is malformed, or null when it is well formed.</summary>
    public static string? Problem(GpuRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            return "A request needs an id.";
        }

        if (request.Owner is null)
        {
            return "A request needs an owner.";
        }

        if (request.GpusPerWorker < 0 || request.Workers < 0)
        {
            return "GPUs per worker and workers must not be negative.";
        }

        if ((long)request.GpusPerWorker * ((long)request.Workers + 1) > int.MaxValue)
        {
            return "The request asks for more GPUs than can be counted.";
        }

        if (!Enum.IsDefined(request.DistributionMode))
        {
            return $"Unknown distribution mode {(int)request.DistributionMode}.";
        }

        if (request.Affinity is null || request.Affinity.Any(string.IsNullOrWhiteSpace))
        {
            return "Affinity must be a list of non-empty labels.";
        }

        if (request.ExpectedDuration < TimeSpan.Zero)
        {
            return "The expected duration must not be negative.";
        }

        return request.Cluster is not null && string.IsNullOrWhiteSpace(request.Cluster)
            ? "A named cluster must not be blank."
            : null;
    }
}
