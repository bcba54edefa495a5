using System.Net;
using k8s;
using k8s.Autorest;

namespace DKube.Executors.Kubernetes;

/// <summary>How the API server's refusals reach us through KubernetesClient.</summary>
internal static class KubernetesErrors
{
    /// <summary>A failed call: the client throws with the HTTP response attached.</summary>
    public static bool Is(Exception e, HttpStatusCode code) =>
        e is HttpOperationException { Response: { } response } && response.StatusCode == code;

    /// <summary>
    /// The watched resourceVersion is older than the API server keeps (compaction). It comes
    /// either as HTTP 410 or, on an open watch, as an ERROR event holding a Status with code 410,
    /// which the client hands to the watch's error callback as a <see cref="KubernetesException"/>.
    /// </summary>
    public static bool IsGone(Exception e) =>
        Is(e, HttpStatusCode.Gone) || e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone };
}
