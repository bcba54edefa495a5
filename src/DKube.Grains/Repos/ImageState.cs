using DKube.Abstractions.Repos;

namespace DKube.Grains.Repos;

[GenerateSerializer]
[Alias("dkube.state.image")]
public sealed class ImageState
{
    [Id(0)]
    public ImageView? View { get; set; }

    /// <summary>Registry credentials of a private image, sealed with the server's secrets key.</summary>
    [Id(1)]
    public byte[]? SealedCredentials { get; set; }
}
