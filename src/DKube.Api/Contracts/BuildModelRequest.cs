namespace DKube.Api.Contracts;

/// <summary>
/// POST /models/{id}/versions/{v}/build: where the image goes (the server's registry; repository
/// default <c>dkube/{model}</c>, tag default <c>v{version}</c>), what it starts from, which runtime serves it.
/// </summary>
public sealed record BuildModelRequest(string? Registry, string? Repository, string? Tag, string? BaseImage, string? Runtime);
