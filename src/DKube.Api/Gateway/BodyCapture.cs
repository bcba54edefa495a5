using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DKube.Api.Gateway;

/// <summary>
/// A body stream as it flows through the gateway: every byte passes straight on (nothing is held
/// back or buffered beyond what the caller reads or writes), and a copy of the first
/// <c>limit</c> bytes is kept for the prediction log. A body longer than the limit gives up its
/// copy at once, so the memory a request costs is bounded by the limit.
/// </summary>
internal sealed class BodyCapture(Stream inner, int limit) : Stream
{
    private byte[]? _copy;
    private int _length;

    /// <summary>The body went over the limit (or was known to be larger from the start).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>A stream that only knows its body is too large to keep.</summary>
    public static BodyCapture TooLarge(Stream inner) => new(inner, 0) { Overflowed = true };

    /// <summary>The body kept, when it was complete within the limit and is JSON; null otherwise. Releases the copy.</summary>
    public string? TakeJson()
    {
        var copy = _copy;
        _copy = null;
        if (copy is null)
        {
            return null;
        }

        try
        {
            var body = copy.AsSpan(0, _length);
            return !Overflowed && IsJson(body) ? Encoding.UTF8.GetString(body) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Keep(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Keep(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Keep(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream belongs to the server; only the copy is ours.
        if (disposing && _copy is not null)
        {
            ArrayPool<byte>.Shared.Return(_copy);
            _copy = null;
        }

        base.Dispose(disposing);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (Overflowed || bytes.IsEmpty)
        {
            return;
        }

        if (_length + bytes.Length > limit)
        {
            Overflowed = true;
            if (_copy is not null)
            {
                ArrayPool<byte>.Shared.Return(_copy);
                _copy = null;
            }

            return;
        }

        if (_copy is null || _copy.Length < _length + bytes.Length)
        {
            // Grows by doubling from what the first chunk needs, never past the limit.
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(limit, Math.Max(_length + bytes.Length, (_copy?.Length ?? 2048) * 2)));
            if (_copy is not null)
            {
                _copy.AsSpan(0, _length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_copy);
            }

            _copy = grown;
        }

        bytes.CopyTo(_copy.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Whether the bytes are one whole JSON value (monitors parse what is kept; anything else is not a prediction).</summary>
    private static bool IsJson(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
