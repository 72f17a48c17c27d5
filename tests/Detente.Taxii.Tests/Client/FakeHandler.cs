using System.Net;
using System.Text;

namespace Detente.Taxii.Tests.Client;

/// <summary>An in-process HTTP handler: records each request (with its body) and answers from a function.</summary>
internal sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        string? contentType = request.Content?.Headers.NonValidated.TryGetValues("Content-Type", out var values) == true ? values.ToString() : null;
        Requests.Add(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.NonValidated.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            contentType,
            body));
        return respond(request);
    }

    /// <summary>A TAXII 2.1 response with <paramref name="json"/> as its body.</summary>
    public static HttpResponseMessage Taxii(string json, HttpStatusCode status = HttpStatusCode.OK, string contentType = TaxiiMediaTypes.Taxii21, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var response = new HttpResponseMessage(status) { Content = content };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string? ContentType, byte[]? Body);

/// <summary>A body stream that counts what is read from it, and may never end.</summary>
internal sealed class CountingStream(byte fill, long length) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(count, length - BytesRead);
        buffer.AsSpan(offset, n).Fill(fill);
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
