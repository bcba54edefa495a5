using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;

namespace DKube.Api.Endpoints;

/// <summary>
/// The <c>Idempotency-Key</c> request header of submissions. A 503 (or a lost answer) leaves a
/// client unsure whether its run was stored; with a key, retrying the same request is safe: the key
/// names the workload (per caller), so the retry finds the first attempt's run instead of making a
/// second one, and a key reused for a different request is 409.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    private const int MaxLength = 255;

    /// <summary>The id of the resource a request creates: derived from its key, or new without one.</summary>
    public static string IdFor(string? key, string prefix, string caller)
    {
        if (key is null)
        {
            return ResourceIds.New(prefix);
        }

        if (key.Length is 0 or > MaxLength || !key.All(c => c is >= '!' and <= '~'))
        {
            throw DomainException.Validation(Header, $"{Header} must be 1 to {MaxLength} visible ASCII characters.");
        }

        return ResourceIds.Derive(prefix, caller, key);
    }
}
