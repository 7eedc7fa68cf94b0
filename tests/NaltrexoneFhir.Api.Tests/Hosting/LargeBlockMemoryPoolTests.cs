using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Api.Tests.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hosting;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Rent_GivesBlocksOfTheConfiguredSize_AndRefusesLargerRequests()
    {
        using var pool = new LargeBlockMemoryPool(64 * 1024, 8);
        using var any = pool.Rent();
        using var small = pool.Rent(100);
        Assert.Equal(64 * 1024, pool.MaxBufferSize);
        Assert.Equal(64 * 1024, any.Memory.Length);
        Assert.Equal(64 * 1024, small.Memory.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(64 * 1024 + 1));
    }

    [Fact]
    public void Blocks_AreOnThePinnedHeap()
    {
        using var pool = new LargeBlockMemoryPool(8 * 1024, 8);
        using var block = pool.Rent();
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(GetArray(block))); // a new ordinary array would be in generation 0
    }

    [Fact]
    public void ReturnedBlocks_AreReused()
    {
        using var pool = new LargeBlockMemoryPool(8 * 1024, 8);
        var first = pool.Rent();
        var array = GetArray(first);
        first.Dispose();
        using var second = pool.Rent();
        Assert.Same(array, GetArray(second));
        Assert.Equal(1, pool.BlocksAllocated);
    }

    [Fact]
    public void AtMostTheCap_IsKeptForReuse()
    {
        using var pool = new LargeBlockMemoryPool(8 * 1024, 2);
        var blocks = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        foreach (var b in blocks) b.Dispose();
        Assert.Equal(2, pool.BlocksPooled);

        var again = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        Assert.Equal(5 + 3, pool.BlocksAllocated); // 2 of the first 5 reused, 3 new
        foreach (var b in again) b.Dispose();
    }

    [Fact]
    public void DisposingALeaseTwice_DoesNotHandTheBlockToTwoOwners()
    {
        using var pool = new LargeBlockMemoryPool(8 * 1024, 8);
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();
        using var a = pool.Rent();
        using var b = pool.Rent();
        Assert.NotSame(GetArray(a), GetArray(b));
        Assert.Equal(0, pool.BlocksPooled);
    }

    [Fact]
    public void ADisposedPool_RefusesRents_AndDropsReturns()
    {
        var pool = new LargeBlockMemoryPool(8 * 1024, 8);
        var block = pool.Rent();
        pool.Dispose();
        block.Dispose();
        Assert.Equal(0, pool.BlocksPooled);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public void ConcurrentRenters_NeverShareABlock()
    {
        using var pool = new LargeBlockMemoryPool(4096, 4);
        var owners = new ConcurrentDictionary<byte[], int>(ReferenceEqualityComparer.Instance);
        var conflicts = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var block = pool.Rent();
            var array = GetArray(block);
            if (!owners.TryAdd(array, i)) Interlocked.Increment(ref conflicts);
            block.Memory.Span.Fill((byte)i);
            if (block.Memory.Span[^1] != (byte)i) Interlocked.Increment(ref conflicts);
            owners.TryRemove(array, out _);
        });
        Assert.Equal(0, conflicts);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(2 * 1024 * 1024)]
    public void TransportBlockSize_OutsideItsRange_StopsStartUp(int bytes)
    {
        // The host's own validator names the setting; start-up fails. (Which exception WebApplicationFactory surfaces
        // for a failed start is a race between the options error and the disposed host, so the message is checked on
        // the validator.)
        var result = new DataAnnotationValidateOptions<Options.CdsOptions>(Microsoft.Extensions.Options.Options.DefaultName)
            .Validate(Microsoft.Extensions.Options.Options.DefaultName, new Options.CdsOptions { TransportBlockBytes = bytes });
        Assert.True(result.Failed);
        Assert.Contains("TransportBlockBytes", result.FailureMessage);
        using var factory = new CdsApiFactory().With("Cds:TransportBlockBytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public void TransportBlockSizeZero_KeepsKestrelsOwnPool()
    {
        using var factory = new CdsApiFactory().With("Cds:TransportBlockBytes", "0");
        _ = factory.CreateClient();
        Assert.IsNotType<LargeBlockMemoryPoolFactory>(factory.Services.GetService<IMemoryPoolFactory<byte>>());
        Assert.Null(factory.Services.GetService<LargeBlockMemoryPoolFactory>());
    }

    [Fact]
    public void TheHost_GivesKestrelTheLargeBlockPools_ByDefault()
    {
        using var factory = new CdsApiFactory();
        _ = factory.CreateClient();
        Assert.IsType<LargeBlockMemoryPoolFactory>(factory.Services.GetService<IMemoryPoolFactory<byte>>());
        Assert.Equal(16 * 1024, factory.Services.GetRequiredService<IOptions<Options.CdsOptions>>().Value.TransportBlockBytes);
    }

    /// <summary>
    /// The service as deployed (its own process on Kestrel; WebApplicationFactory's Kestrel mode registers Kestrel's
    /// pool factory after the app's, so only a real process shows which one Kestrel takes): a ~1.6 MB order-sign
    /// arrives whole and is answered as the in-memory host answers it, and the log says which blocks carried it.
    /// </summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData("0", false)]
    public async Task TheService_ReceivesALargeBody_WithTheConfiguredPool(string? blockBytes, bool largeBlocks)
    {
        var body = Requests.LargeHistoryOrderSign();
        using var memory = new CdsApiFactory();
        var expected = await Summaries(await memory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body)));

        await using var service = await ApiProcess.StartAsync(blockBytes is null ? [] : ["--Cds:TransportBlockBytes=" + blockBytes]);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        var answer = await Summaries(await http.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body)));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, answer);
        Assert.Equal(largeBlocks, service.Output.Any(l => l.Contains("Kestrel transport: 16 KB blocks", StringComparison.Ordinal)));
    }

    /// <summary>`dotnet NaltrexoneFhir.Api.dll` from the test's output folder on a free loopback port, its output collected.</summary>
    private sealed class ApiProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dataDirectory;
        private readonly ConcurrentQueue<string> _output = new();

        private ApiProcess(Process process, string dataDirectory)
        {
            _process = process;
            _dataDirectory = dataDirectory;
        }

        public Uri BaseAddress { get; private set; } = null!;

        public IEnumerable<string> Output => _output;

        public static async Task<ApiProcess> StartAsync(string[] args)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var data = Directory.CreateTempSubdirectory("naltrexone-process-test").FullName;
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "NaltrexoneFhir.Api.dll"), "--urls", $"http://127.0.0.1:{port}",
                                         "--Storage:DataDirectory=" + data, "--Clock:Now=" + CdsApiFactory.Now, .. args])
                start.ArgumentList.Add(a);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            var api = new ApiProcess(Process.Start(start)!, data) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Collect(object _, DataReceivedEventArgs e)
            {
                if (e.Data is null) return;
                api._output.Enqueue(e.Data);
                if (e.Data.Contains("Now listening on", StringComparison.Ordinal)) listening.TrySetResult();
            }
            api._process.OutputDataReceived += Collect;
            api._process.ErrorDataReceived += Collect;
            api._process.BeginOutputReadLine();
            api._process.BeginErrorReadLine();
            try
            {
                await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                await api.DisposeAsync();
                throw new TimeoutException("The service did not start: " + string.Join('\n', api._output));
            }
            return api;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    private static async Task<string[]> Summaries(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await CdsApiFactory.ReadJson(response);
        return json.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("summary").GetString()!).Order(StringComparer.Ordinal).ToArray();
    }

    private static byte[] GetArray(IMemoryOwner<byte> block) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(block.Memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not array-backed");
}
