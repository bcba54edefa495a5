using System.Text.Json.Serialization;

namespace DKube.Abstractions.Common;

/// <summary>
/// A JSON value kept as the text it was stored as, and written into an answer as it is: a page of
/// the read model's bodies goes from PostgreSQL to the client without being parsed into a DOM and
/// written out again (which was most of what a <c>GET /runs</c> cost: a JsonDocument per row, 215
/// KiB allocated for a page of 50 runs). <see cref="Text"/> must be one well-formed JSON value; the
/// read model's text is (PostgreSQL's jsonb output), so it is not validated again when written.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text);
