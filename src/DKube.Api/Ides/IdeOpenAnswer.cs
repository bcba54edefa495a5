namespace DKube.Api.Ides;

/// <summary>
/// Where an IDE is served through the gateway: <see cref="Url"/> (absolute, as the caller reached
/// this server) and <see cref="Path"/> (<c>/ides/{id}/lab/</c>), with the IDE's status (its server
/// answers once it is <c>Running</c>).
/// </summary>
public sealed record IdeOpenAnswer(string Url, string Path, string Status);
