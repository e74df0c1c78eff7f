using KestrelUpper.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Udp;

/// <summary>
/// Per-source-IP token buckets in a fixed-size, two-way set-associative table: memory is bounded by
/// <c>Upper:Udp:MaxTrackedSources</c> however many addresses a spoofed flood uses. A new source takes the
/// least recently seen slot of its set; the set is chosen by a per-process randomized hash so an attacker
/// cannot aim collisions at a victim's bucket. An evicted source simply starts again with a full bucket.
/// </summary>
internal sealed class SourceRateLimiter
{
    private const int Ways = 2;
    private static readonly UInt128 IPv4MappedPrefixHigh = 0xFFFF;
    private static readonly UInt128 IPv6PrefixMask = UInt128.MaxValue << 64;

    private readonly TimeProvider _time;
    private readonly double _ratePerTick;
    private readonly double _burst;
    private readonly bool _enabled;
    private readonly Slot[] _slots;
    private readonly int _setMask;
    private readonly Lock _lock = new();

    public SourceRateLimiter(IOptions<UpperOptions> options, TimeProvider time)
    {
        UdpOptions udp = options.Value.Udp;
        _time = time;
        _enabled = udp.RatePerSource > 0;
        _ratePerTick = (double)udp.RatePerSource / time.TimestampFrequency;
        _burst = udp.BurstPerSource;
        int sets = (int)Math.Max(1, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, udp.MaxTrackedSources / Ways)));
        _setMask = sets - 1;
        _slots = new Slot[sets * Ways];
    }

    /// <summary>Takes <paramref name="tokens"/> from <paramref name="address"/>'s bucket; false (and nothing taken) when the source is over its rate.</summary>
    public bool TryAcquire(UInt128 address, int tokens = 1)
    {
        if (!_enabled)
        {
            return true;
        }

        address = BucketOf(address);
        long now = _time.GetTimestamp();
        int first = (HashCode.Combine(address) & _setMask) * Ways;
        lock (_lock)
        {
            ref Slot slot = ref Find(first, address, now);
            double available = Math.Min(_burst, slot.Tokens + ((now - slot.LastSeen) * _ratePerTick));
            slot.LastSeen = now;
            if (available < tokens)
            {
                slot.Tokens = available;
                return false;
            }

            slot.Tokens = available - tokens;
            return true;
        }
    }

    /// <summary>
    /// The bucket a source belongs to: an IPv4 address on its own, an IPv6 address by its /64 — one host is
    /// routinely handed a whole /64 and could otherwise rotate through fresh buckets (and churn the table).
    /// </summary>
    internal static UInt128 BucketOf(UInt128 address) =>
        (address >> 32) == IPv4MappedPrefixHigh ? address : address & IPv6PrefixMask;

    private ref Slot Find(int first, UInt128 address, long now)
    {
        int victim = first;
        for (int i = first; i < first + Ways; i++)
        {
            ref Slot slot = ref _slots[i];
            if (slot.InUse && slot.Address == address)
            {
                return ref slot;
            }

            if (!slot.InUse || (_slots[victim].InUse && slot.LastSeen < _slots[victim].LastSeen))
            {
                victim = i;
            }
        }

        ref Slot fresh = ref _slots[victim];
        fresh = new Slot { Address = address, InUse = true, Tokens = _burst, LastSeen = now };
        return ref fresh;
    }

    private struct Slot
    {
        public UInt128 Address;
        public double Tokens;
        public long LastSeen;
        public bool InUse;
    }
}
