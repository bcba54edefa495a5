namespace DKube.Abstractions.Common;

/// <summary>The name of DKube's own meter; its instruments are exported as <c>dkube_*</c>.</summary>
public static class DKubeMeters
{
    public const string Name = "DKube";
}
