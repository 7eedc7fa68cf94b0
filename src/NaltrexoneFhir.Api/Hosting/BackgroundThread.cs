using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace NaltrexoneFhir.Api.Hosting;

/// <summary>
/// Runs an async loop on a dedicated thread, optionally at a lower Linux scheduling priority, with a one-thread
/// synchronization context so that its own continuations come back to that thread instead of the thread pool
/// (library code that uses <c>ConfigureAwait(false)</c> may still finish elsewhere; on SQLite it completes inline).
/// </summary>
public static class BackgroundThread
{
    public static Task Run(string name, int nice, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            LowerPriority(nice);
            var context = new OneThreadContext();
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                var task = loop();
                task.ContinueWith(_ => context.Complete(), TaskScheduler.Default);
                context.RunUntilComplete();
                task.GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (OperationCanceledException ex)
            {
                done.TrySetCanceled(ex.CancellationToken); // as an async method's task would be: cancelled, not failed
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    /// <summary>Raises the calling thread's nice value (lowering its priority); always permitted, never fatal.</summary>
    public static void LowerPriority(int nice)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux()) return;
        try
        {
            // PRIO_PROCESS with a thread id applies to that thread only (Linux).
            _ = SetPriority(0, GetTid(), nice);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: run at normal priority.
        }
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    private sealed class OneThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            try { _queue.Add((d, state)); }
            catch (InvalidOperationException) { ThreadPool.QueueUserWorkItem(_ => d(state)); } // completed: run elsewhere
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public override SynchronizationContext CreateCopy() => this;

        public void Complete() => _queue.CompleteAdding();

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }
    }
}
