namespace Detente.Node;

/// <summary>The node's one HTTP client for calls it makes itself (submitting checkpoints to witnesses), disposed with the node.</summary>
internal sealed class NodeHttp : IDisposable
{
    /// <summary>How long one outgoing request may take.</summary>
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The client.</summary>
    public HttpClient Client { get; } = new() { Timeout = RequestTimeout };

    public void Dispose() => Client.Dispose();
}
