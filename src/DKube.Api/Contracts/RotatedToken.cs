using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /users/{name}/token answer.</summary>
public sealed record RotatedToken(string Name, string Token);
