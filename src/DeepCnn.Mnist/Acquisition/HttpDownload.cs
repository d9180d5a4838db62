using System.Globalization;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// Downloads into memory with timeouts short enough that an offline machine fails in seconds,
/// and with progress messages.
/// </summary>
internal static class HttpDownload
{
    // Covers DNS and TCP: an unreachable mirror must not stall the fallback to the next source.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(5);
    private const int ProgressSteps = 10;

    private static readonly HttpClient Client = new(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Downloads <paramref name="url"/>, refusing bodies larger than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="HttpRequestException">The request failed or the status is not a success.</exception>
    /// <exception cref="TimeoutException">The server did not answer or deliver in time.</exception>
    /// <exception cref="IOException">The body is larger than allowed or the transfer broke.</exception>
    internal static byte[] Download(Uri url, int maxBytes, TextWriter log)
    {
        using var deadline = new CancellationTokenSource(ResponseTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        HttpResponseMessage response;
        try
        {
            response = Client.Send(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{url}: no response within {ResponseTimeout.TotalSeconds} s", e);
        }

        using (response)
        {
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength;
            if (total > maxBytes)
            {
                throw new IOException($"{url}: {total} bytes, more than the {maxBytes} expected");
            }

            deadline.CancelAfter(TransferTimeout);
            // A synchronous read ignores cancellation; disposing the response is what unblocks it.
            using var abort = deadline.Token.Register(response.Dispose);
            try
            {
                using var body = response.Content.ReadAsStream(deadline.Token);
                return ReadBody(body, url, total, maxBytes, log);
            }
            catch (Exception e) when (deadline.IsCancellationRequested && e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                throw new TimeoutException($"{url}: transfer did not finish within {TransferTimeout.TotalMinutes} min", e);
            }
        }
    }

    private static byte[] ReadBody(Stream body, Uri url, long? total, int maxBytes, TextWriter log)
    {
        using var received = new MemoryStream();
        var buffer = new byte[81920];
        var reported = 0;
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            if (received.Length + read > maxBytes)
            {
                throw new IOException($"{url}: more than the {maxBytes} bytes expected");
            }

            received.Write(buffer, 0, read);
            if (total is > 0 && received.Length * ProgressSteps / total.Value > reported)
            {
                reported = (int)(received.Length * ProgressSteps / total.Value);
                log.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {url.Segments[^1]}: {reported * 100 / ProgressSteps}% ({received.Length / 1e6:F1} of {total.Value / 1e6:F1} MB)"));
            }
        }

        return received.ToArray();
    }
}
