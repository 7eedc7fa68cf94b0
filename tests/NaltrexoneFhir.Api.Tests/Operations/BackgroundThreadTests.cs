using NaltrexoneFhir.Api.Hosting;

namespace NaltrexoneFhir.Api.Tests.Operations;

/// <summary>The audit writer's thread: its loop stays on one dedicated thread, at the asked-for nice value on Linux.</summary>
public sealed class BackgroundThreadTests
{
    [Fact]
    public async Task Loop_RunsOnItsOwnThread_AcrossAwaits_AtTheGivenNiceValue()
    {
        var threads = new HashSet<int>();
        string? niceSeen = null;
        await BackgroundThread.Run("test-writer", 7, async () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(5);   // a real wait: the continuation must come back to the same thread
                await Task.Yield();
                threads.Add(Environment.CurrentManagedThreadId);
            }
            if (OperatingSystem.IsLinux())
                niceSeen = File.ReadAllText($"/proc/thread-self/stat").Split(") ")[1].Split(' ')[16]; // field 19: nice
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(threads);
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads.Single());
        if (OperatingSystem.IsLinux()) Assert.Equal("7", niceSeen);
    }

    [Fact]
    public async Task AFailingLoop_FailsTheTask()
    {
        var run = BackgroundThread.Run("test-writer", 0, async () =>
        {
            await Task.Delay(1);
            throw new InvalidOperationException("boom");
        });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public async Task ACancelledLoop_CancelsTheTask_RatherThanFailingIt()
    {
        using var cts = new CancellationTokenSource();
        var run = BackgroundThread.Run("test-writer", 0, async () => await Task.Delay(Timeout.Infinite, cts.Token));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(run.IsCanceled);
    }
}
