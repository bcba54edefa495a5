using DKube.Abstractions.Live;

namespace DKube.Api.Contracts;

/// <summary><c>GET /storage</c>.</summary>
public sealed record StorageAnswer(IReadOnlyList<UserStorage> Users);
