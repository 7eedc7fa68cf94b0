using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// Drains the audit queue into the store in batches. While the database is down it keeps the current batch and
/// retries with capped exponential back-off (new records wait in the bounded queue). On shutdown the queue is closed
/// and everything in it is written; if the store is not writable then, the rest is counted as dropped and logged.
/// <para>
/// The writer runs on its own thread at a lower OS priority (<see cref="AuditOptions.WriterNice"/>): its batches are
/// CPU work (SQLite inserts) that would otherwise take a core from hook calls for tens of milliseconds at a time and
/// show up in their tail latency (BENCHMARKS.md). Its continuations stay on that thread (a one-thread
/// synchronization context), so the lower priority covers the writing itself.
/// </para>
/// </summary>
public sealed class AuditWriter(
    AuditQueue queue,
    AuditStore store,
    StoreReadiness readiness,
    IOptions<AuditOptions> options,
    ILogger<AuditWriter> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundThread.Run("audit-writer", options.Value.WriterNice, () => RunAsync(stoppingToken));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var ready = await readiness.WaitAsync(stoppingToken);
        var batchSize = options.Value.BatchSize;
        var linger = options.Value.FlushInterval;
        var batch = new QueuedBatch(batchSize, logger);
        // Not cancelled by stoppingToken: after Complete() this returns false only once the queue is empty.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // Let a batch gather (never while stopping: then everything left is written at once).
            if (linger > TimeSpan.Zero && queue.Reader.Count < batchSize && !stoppingToken.IsCancellationRequested)
            {
                try { await Task.Delay(linger, stoppingToken); }
                catch (OperationCanceledException) { /* stopping: write now */ }
            }
            // The records stay encoded: the store decodes each as it writes it (QueuedBatch).
            while (batch.Count < batchSize && queue.Reader.TryRead(out var record)) batch.Add(record);
            var written = ready && await WriteAsync(batch, stoppingToken);
            var readable = batch.Count - batch.Skipped.Count;
            var skipped = batch.Skipped.Values.CountBy(reason => reason).ToList();
            // The buffers go back before the queue hears the records are settled (WhenSettledAsync then means released too).
            batch.Clear();
            foreach (var (reason, count) in skipped) queue.Lost(count, reason);
            if (written) queue.Written(readable);
            else
            {
                // Stopping and the store is not writable: count what is left as lost.
                var lost = readable;
                while (queue.Reader.TryRead(out var left)) { left.Release(); lost++; }
                queue.Lost(lost);
                StoreLog.AuditLostAtShutdown(logger, lost);
            }
        }
    }

    /// <summary>Writes one batch, retrying until it is stored (true) or shutdown finds the store still failing (false).</summary>
    private async Task<bool> WriteAsync(QueuedBatch batch, CancellationToken stoppingToken)
    {
        var attempt = 0;
        var delay = options.Value.MinRetryDelay;
        while (true)
        {
            try
            {
                try
                {
                    await store.WriteAsync(batch, isRetry: attempt > 0, CancellationToken.None);
                }
                catch (Exception ex) when (AuditStore.IsRefusedData(ex))
                {
                    // A record the database refuses would fail the batch on every retry and hold up every record
                    // after it: write the calls one at a time and drop the ones refused (counted and logged).
                    await WriteOneByOneAsync(batch);
                }
                if (attempt > 0) StoreLog.AuditWriteRecovered(logger, attempt);
                return true;
            }
            catch (Exception ex)
            {
                attempt++;
                queue.WriteFailed();
                if (stoppingToken.IsCancellationRequested && attempt > 1) return false;
                StoreLog.AuditWriteFailed(logger, batch.Count, ex.GetType().Name, attempt, queue.Reader.Count, (long)delay.TotalMilliseconds);
                try { await Task.Delay(delay, stoppingToken); }
                catch (OperationCanceledException) { /* shutting down: one last attempt */ }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>
    /// Each call of <paramref name="batch"/> in its own transaction (as a retry: a call already stored is not stored
    /// twice); a call the database refuses is marked so that no later attempt reads it. A failure that is not about the
    /// data (the database went away meanwhile) goes to the caller's retry loop, which starts over with what is left.
    /// </summary>
    private async Task WriteOneByOneAsync(QueuedBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                await store.WriteAsync(batch.Single(i), isRetry: true, CancellationToken.None);
            }
            catch (Exception ex) when (AuditStore.IsRefusedData(ex))
            {
                batch.Skip(i, "refused");
                StoreLog.AuditRecordRefused(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>
    /// A batch of queued records, decoded one at a time as the store writes them: the decoded rows of a whole batch
    /// (~80 objects a call) alive through a write made the young GCs that met them 0.6-2 ms longer (BENCHMARKS.md,
    /// session 17). Decoding reads back what the hook path encoded; were a record ever unreadable (a bug), that record
    /// is skipped and logged (and counted as lost once the batch is done), not the writer (an exception here would end
    /// it, and with it the host).
    /// </summary>
    private sealed class QueuedBatch(int capacity, ILogger logger) : IHookCallBatch
    {
        private readonly List<QueuedHookCall> _records = new(capacity);
        private readonly Dictionary<int, string> _skipped = [];
        private readonly QueuedHookCall.Decoder _decoder = new();

        public int Count => _records.Count;

        /// <summary>Records no attempt reads any more, by index, with why ("unreadable", "refused"): the writer counts them as lost.</summary>
        public IReadOnlyDictionary<int, string> Skipped => _skipped;

        /// <summary>From now on the record at <paramref name="index"/> is skipped.</summary>
        public void Skip(int index, string reason) => _skipped.TryAdd(index, reason);

        /// <summary>The record at <paramref name="index"/> alone, as a batch of one.</summary>
        public IHookCallBatch Single(int index) => new One(this, index);

        public void Add(QueuedHookCall record) => _records.Add(record);

        /// <summary>Releases the batch's records (written, or counted as lost) and empties it.</summary>
        public void Clear()
        {
            foreach (var record in _records) record.Release();
            _records.Clear();
            _skipped.Clear();
        }

        public HookCallRow? Read(int index)
        {
            if (_skipped.ContainsKey(index)) return null;
            try { return _records[index].Decode(_decoder); }
            catch (Exception ex)
            {
                Skip(index, "unreadable");
                StoreLog.AuditRecordUnreadable(logger, ex.GetType().Name);
                return null;
            }
        }

        /// <summary>One record of a batch as a batch of its own (its position there is what it reads).</summary>
        private sealed class One(QueuedBatch batch, int index) : IHookCallBatch
        {
            public int Count => 1;
            public HookCallRow? Read(int _) => batch.Read(index);
        }
    }
}
