using System.Net;
using System.Net.Sockets;

namespace DeepCnn.Mnist.Tests;

/// <summary>An HTTP server on 127.0.0.1 that serves fixed files, standing in for a download mirror.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly Task _serving;

    public LoopbackServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}/data/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _serving = Task.Run(Serve);
    }

    public Uri BaseAddress { get; }

    /// <summary>A port nothing listens on, for a connection that is refused.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            var name = context.Request.Url!.Segments[^1];
            if (_files.TryGetValue(name, out var content))
            {
                response.ContentLength64 = content.Length;
                await response.OutputStream.WriteAsync(content);
            }
            else
            {
                response.StatusCode = 404;
            }
        }
    }
}
