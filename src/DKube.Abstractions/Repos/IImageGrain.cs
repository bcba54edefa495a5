namespace DKube.Abstractions.Repos;

/// <summary>An image of the catalog, keyed by id, with sealed registry credentials when it is private.</summary>
[Alias("dkube.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<ImageView> Create(ImageSpec spec);

    /// <summary>Changes the description and/or moves the image to another project (null leaves a field as it is).</summary>
    [Alias("Update")]
    Task<ImageView> Update(string? description, string? project);

    [Alias("Delete")]
    Task Delete();

    [Alias("Get")]
    Task<ImageView?> Get();
}
