namespace DKube.Abstractions.Serving;

/// <summary>Where an image build of a model version stands.</summary>
public enum ModelBuildStatus
{
    /// <summary>Accepted and stored; the build has not begun on a silo yet.</summary>
    Pending,

    /// <summary>The image is being assembled and pushed.</summary>
    Building,

    /// <summary>The registry holds the image (its digest is known) and it is in the image catalog.</summary>
    Pushed,

    /// <summary>The build or the push failed; <c>reason</c> says why. A new POST tries again.</summary>
    Failed,
}
