using System.Data.Common;
using System.Net.Sockets;
using DKube.Abstractions.Errors;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Faults;

/// <summary>
/// Every grain call on this silo: a database or network failure escaping a grain becomes a
/// <see cref="DependencyUnavailableException"/>. The driver's exceptions (e.g. Npgsql's) have no
/// Orleans codec, so left alone they reach the caller as a serialization error, which the API
/// could only answer with 500. The original stays in this silo's log.
/// </summary>
public sealed class DependencyFailureFilter(ILogger<DependencyFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (DependencyFailure(e) is { } cause)
        {
            logger.LogWarning(e, "{Grain}.{Method} failed on a dependency", context.TargetId, context.MethodName);
            throw new DependencyUnavailableException($"{cause.GetType().Name}: {cause.Message}");
        }
    }

    /// <summary>The database or socket failure in <paramref name="e"/>'s chain of causes, if any.</summary>
    public static Exception? DependencyFailure(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is DbException or SocketException or TimeoutException && current is not DependencyUnavailableException)
            {
                return current;
            }
        }

        return null;
    }
}
