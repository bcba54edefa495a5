using System.Text;
using k8s;

namespace DKube.Executors.Kubernetes;

/// <summary>Builds the API client from the options: a kubeconfig given as text, or the pod's own service account.</summary>
internal static class KubernetesClientFactory
{
    public static k8s.Kubernetes Create(KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        KubernetesClientConfiguration config;
        if (!string.IsNullOrWhiteSpace(options.Kubeconfig))
        {
            using var yaml = new MemoryStream(Encoding.UTF8.GetBytes(options.Kubeconfig));
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(yaml, options.Context);
        }
        else
        {
            config = KubernetesClientConfiguration.InClusterConfig();
        }

        return new k8s.Kubernetes(config);
    }
}
