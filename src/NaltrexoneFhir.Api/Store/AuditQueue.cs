using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// The hook path's only contact with the audit store: a bounded in-memory queue of encoded records
/// (<see cref="QueuedHookCall"/>: one object each, however many cards). <see cref="TryEnqueue"/> never
/// blocks; when the queue is full (the database has been down for long) the record is dropped and counted in the
/// <c>naltrexone.audit.dropped</c> counter (meter <c>NaltrexoneFhir.Store</c>).
/// </summary>
public sealed class AuditQueue
{
    public const string MeterName = "NaltrexoneFhir.Store";

    private readonly Channel<QueuedHookCall> _channel;
    private readonly Counter<long> _enqueued, _dropped, _written, _writeFailures;
    private readonly object _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _accepted, _settled;

    public AuditQueue(IOptions<AuditOptions> options, IMeterFactory meters)
    {
        Capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<QueuedHookCall>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,   // with TryWrite: a full queue refuses at once (no waiting), so we can count the drop
        });
        var meter = meters.Create(MeterName);
        _enqueued = meter.CreateCounter<long>("naltrexone.audit.enqueued", "{record}", "Hook-call audit records queued for the store");
        _dropped = meter.CreateCounter<long>("naltrexone.audit.dropped", "{record}", "Hook-call audit records dropped (queue full, or store unwritable at shutdown)");
        _written = meter.CreateCounter<long>("naltrexone.audit.written", "{record}", "Hook-call audit records written to the store");
        _writeFailures = meter.CreateCounter<long>("naltrexone.audit.write_failures", "{attempt}", "Failed audit batch writes (each is retried)");
        meter.CreateObservableGauge("naltrexone.audit.backlog", () => Backlog, "{record}", "Audit records waiting for the store");
    }

    public int Capacity { get; }

    /// <summary>Records accepted and not yet written or dropped.</summary>
    public long Backlog => Interlocked.Read(ref _accepted) - Interlocked.Read(ref _settled);

    public ChannelReader<QueuedHookCall> Reader => _channel.Reader;

    /// <summary>
    /// Queues a record without waiting; the queue owns it from then on (the writer releases it once written). False
    /// (the record released, and counted as dropped) when the queue is full or closed.
    /// </summary>
    public bool TryEnqueue(QueuedHookCall record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            record.Release();
            _dropped.Add(1, new KeyValuePair<string, object?>("reason", "queue-full"));
            return false;
        }
        Interlocked.Increment(ref _accepted);
        _enqueued.Add(1);
        return true;
    }

    /// <summary>No more records (shutdown): the writer drains what is queued and stops.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    internal void Written(int count) { _written.Add(count); Settle(count); }

    internal void WriteFailed() => _writeFailures.Add(1);

    /// <summary>Records that will not be written: <paramref name="reason"/> "shutdown" (the store was not writable then) or "unreadable".</summary>
    internal void Lost(int count, string reason = "shutdown")
    {
        _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        Settle(count);
    }

    /// <summary>Completes when every record queued before the call has been written (or dropped). For tests and diagnostics.</summary>
    public Task WhenSettledAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref _accepted);
        lock (_gate)
        {
            if (Interlocked.Read(ref _settled) >= target) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task.WaitAsync(ct);
        }
    }

    private void Settle(int count)
    {
        var settled = Interlocked.Add(ref _settled, count);
        lock (_gate)
            for (var i = _waiters.Count - 1; i >= 0; i--)
                if (_waiters[i].Target <= settled)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
    }
}
