using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Logging;
using NaltrexoneFhir.Api.Options;

namespace NaltrexoneFhir.Api.Hosting;

/// <summary>
/// Gives Kestrel memory pools with larger blocks than its own 4 KB ones (<see cref="CdsOptions.TransportBlockBytes"/>),
/// through the extension point ASP.NET Core 10 documents for it: an <see cref="IMemoryPoolFactory{T}"/> in the
/// container. Kestrel's socket transport receives into one block at a time, so 4 KB blocks meant one receive, one
/// pipe flush and one wake-up of the reading request per 4 KB: ~1,250 of them for a 5 MB large-history body, which
/// took 9 ms to arrive on loopback, and 9 for a typical 34 KB body. With 16 KB blocks (the default; 64 KB measured
/// the same, with four times the memory per connection) the 5 MB body takes 634 receive calls instead of 2,516 and a
/// large call over HTTP 5-9 ms less; a typical call costs a few per cent less CPU (BENCHMARKS.md, session 12).
/// </summary>
public sealed class LargeBlockMemoryPoolFactory(IOptions<CdsOptions> options, ILogger<LargeBlockMemoryPoolFactory> logger) : IMemoryPoolFactory<byte>
{
    private int _logged;

    public MemoryPool<byte> Create(MemoryPoolOptions? poolOptions = null)
    {
        var o = options.Value;
        // Once, when Kestrel takes its first pool at start-up: says in the log which pool serves connections.
        if (Interlocked.Exchange(ref _logged, 1) == 0) Log.TransportBlocks(logger, o.TransportBlockBytes / 1024, o.TransportPooledBlocks);
        return new LargeBlockMemoryPool(o.TransportBlockBytes, o.TransportPooledBlocks);
    }
}

/// <summary>
/// A pool of fixed-size blocks on the pinned object heap (the socket reads and writes them without pinning per
/// call), as Kestrel's own pool, with larger blocks. It keeps at most <c>maxPooledBlocks</c> free blocks; blocks
/// returned beyond that are left to the garbage collector, so memory taken at a peak of concurrent large bodies is
/// not held for ever (Kestrel's own pool evicts idle blocks over time instead; this one never holds more than the cap).
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    private readonly ConcurrentQueue<Block> _free = new();
    private readonly int _maxPooled;
    private int _pooled;
    private long _allocated;
    private volatile bool _disposed;

    public LargeBlockMemoryPool(int blockBytes, int maxPooledBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, CdsOptions.MinTransportBlockBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPooledBlocks);
        MaxBufferSize = blockBytes;
        _maxPooled = maxPooledBlocks;
    }

    /// <summary>Every block has exactly this size.</summary>
    public override int MaxBufferSize { get; }

    /// <summary>Blocks allocated since the pool was made (not counting reuse).</summary>
    public long BlocksAllocated => Interlocked.Read(ref _allocated);

    /// <summary>Free blocks kept for reuse now.</summary>
    public int BlocksPooled => Volatile.Read(ref _pooled);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, MaxBufferSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block)) Interlocked.Decrement(ref _pooled);
        else
        {
            block = new Block(this, MaxBufferSize);
            Interlocked.Increment(ref _allocated);
        }
        block.Lease();
        return block;
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (_disposed) return;
        if (Interlocked.Increment(ref _pooled) > _maxPooled)
        {
            Interlocked.Decrement(ref _pooled); // over the cap: the GC takes it
            return;
        }
        _free.Enqueue(block);
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly LargeBlockMemoryPool _pool;
        private int _leased;

        public Block(LargeBlockMemoryPool pool, int size)
        {
            _pool = pool;
            var array = GC.AllocateUninitializedArray<byte>(size, pinned: true);
            Memory = MemoryMarshal.CreateFromPinnedArray(array, 0, size);
        }

        public Memory<byte> Memory { get; }

        public void Lease() => Volatile.Write(ref _leased, 1);

        /// <summary>Back to the pool; a second dispose of the same lease does nothing (it would hand one block to two owners).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _leased, 0) == 1) _pool.Return(this);
        }
    }
}
