using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KestrelUpper.Text;

/// <summary>
/// The Unicode transform 32 bytes at a time for everything that keeps its length. Each window is stored with a-z
/// uppercased, validated as UTF-8 (<see cref="Utf8VectorValidator"/>) and classified (<see cref="VectorCaseClassifier"/>);
/// only the marked sequences are looked up and rewritten in place (<see cref="SameLengthUpper"/>), and invalid
/// bytes stay as they are, counted one maximal subpart at a time. Output positions are input positions, so the
/// result equals the scalar transform's. A mapping that changes length stops the run for the caller's scalar step.
/// </summary>
/// <remarks>
/// Windows follow each other at fixed offsets, so no window waits for the one before it to finish; the bytes of the
/// previous window are the validation context, so a sequence cut by a window boundary is checked across it. Bytes
/// before the run, and invalid subparts already passed through, read as zero: the validator then judges what follows
/// as if a stream started there, exactly as the scalar decoder does after an invalid subpart. Stretches of whole
/// ASCII windows go through <see cref="AsciiUpper.ToUpperUntilNonAscii"/> instead.
/// </remarks>
internal static class VectorUpperRun
{
    /// <summary>Bytes per window.</summary>
    public const int WindowLength = 32;

    /// <summary>Room a window needs: itself, the byte after it (the classifier reads pairs) and the rest of a sequence led from its last byte.</summary>
    public const int MinimumRoom = WindowLength + Utf8Scalar.MaxSequenceLength - 1;

    /// <summary>Bytes before a byte that decide whether it is valid: the rest of a sequence it may end.</summary>
    private const int ContextBytes = Utf8Scalar.MaxSequenceLength - 1;

    /// <summary>Context start meaning "the previous window's last three bytes are all context".</summary>
    private const int AllContext = -ContextBytes;

    /// <summary>The last bytes of a window whose marked sequences it leaves to the next window (they may run into it).</summary>
    private const int DeferredPositions = Utf8Scalar.MaxSequenceLength - 1;
    private const int FirstDeferred = WindowLength - DeferredPositions;

    private const byte NibbleMask = 0x0F;
    private const byte LeadOfTwoOrMore = 0xC0;
    private const byte LeadOfThreeOrMore = 0xE0;
    private const byte LeadOfFour = 0xF0;
    private const byte ZeroLowLane = 0x08;
    private const byte ContinuationTagMask = 0xC0;
    private const byte ContinuationTag = 0x80;
    private const byte TwoByteLeadTagMask = 0xE0;
    private const byte TwoByteLeadTag = 0xC0;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>
    /// Transforms <paramref name="source"/> into <paramref name="destination"/> (starting at a sequence boundary of the
    /// stream) while both have a window's <see cref="MinimumRoom"/> left, and returns the bytes consumed, with the
    /// bytes written in <paramref name="written"/>; it ends at a sequence boundary (destination bytes after the written
    /// ones are scratch). A sequence whose uppercase has another length (ß→SS, ı→I, ΐ) is written by the scalar rule in
    /// passing; the run goes on after it.
    /// </summary>
    public static int Transform(ref byte source, int sourceLength, ref byte destination, int destinationLength, ref long invalidBytes, out int written)
    {
        int consumed = 0;
        written = 0;
        while (true)
        {
            int room = Math.Min(sourceLength - consumed, destinationLength - written);
            if (room < MinimumRoom)
            {
                break;
            }

            // At a sequence boundary: a stretch of ASCII first, then mixed windows.
            int ascii = AsciiUpper.ToUpperUntilNonAscii(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, consumed), room),
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, written), room));
            consumed += ascii;
            written += ascii;
            if (room - ascii < MinimumRoom)
            {
                break;
            }

            StretchEnd end = MixedStretch(ref Unsafe.Add(ref source, consumed), ref Unsafe.Add(ref destination, written), room - ascii, ref invalidBytes, out int done);
            consumed += done;
            written += done;
            if (end == StretchEnd.OutOfRoom)
            {
                break;
            }

            if (end == StretchEnd.LengthChange)
            {
                // A window validated this sequence; only the destination may be too short for its uppercase.
                ReadOnlySpan<byte> rest = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, consumed), sourceLength - consumed);
                int length = Utf8Scalar.Decode(rest, out uint scalar);
                int upperLength = length > 0
                    ? SequenceUpper.Write(scalar, rest.Slice(0, length), MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, written), destinationLength - written))
                    : 0;
                if (upperLength == 0)
                {
                    break;
                }

                consumed += length;
                written += upperLength;
            }
        }

        return consumed;
    }

    /// <summary>
    /// Windows from the start of <paramref name="source"/> (a sequence boundary, a non-ASCII byte at it) until one is
    /// ASCII after a finished sequence (left for the ASCII stretch), <paramref name="room"/> runs out, or a sequence
    /// changes length; <paramref name="done"/> is where it ended, at a sequence boundary, the same count read and written.
    /// </summary>
    private static StretchEnd MixedStretch(ref byte source, ref byte destination, int room, ref long invalidBytes, out int done)
    {
        // A local, not the out parameter: that one lives in memory, and the loop advances this every window.
        int position = 0;

        // First position of the current window whose bytes (and the ones after) are validation context.
        int contextStart = AllContext;

        // Marked leads among the previous window's last three bytes (bit 0 = position -3), rewritten once this
        // window's store can no longer overwrite the end of their sequence.
        uint deferred = 0;

        // Isolated invalid bytes among the previous window's last three bytes (bit 0 = position -3).
        uint isolatedTail = 0;
        while (room - position >= MinimumRoom)
        {
            ref byte window = ref Unsafe.Add(ref source, position);
            ref byte output = ref Unsafe.Add(ref destination, position);
            Vector256<byte> input = Vector256.LoadUnsafe(ref window);
            uint nonAscii = input.ExtractMostSignificantBits();
            if (nonAscii == 0 && position != 0 && deferred == 0 && UnfinishedTail(ref window, contextStart) == 0)
            {
                return Ended(out done, position, StretchEnd.AsciiAhead);
            }

            Vector256<byte> upper = AsciiUpper.ToUpper(input);
            upper.StoreUnsafe(ref output);
            Vector256<byte> previous1;
            Vector256<byte> previous2;
            Vector256<byte> previous3;
            if (position == 0)
            {
                // The stretch starts at a sequence boundary: the validator takes it as the start of a stream, with
                // zeros before (nothing before the stretch is read: it may be outside the span).
                Vector256<byte> lowLaneUp = Avx2.Permute2x128(input, input, ZeroLowLane);
                previous1 = Avx2.AlignRight(input, lowLaneUp, 15);
                previous2 = Avx2.AlignRight(input, lowLaneUp, 14);
                previous3 = Avx2.AlignRight(input, lowLaneUp, 13);
            }
            else
            {
                previous1 = Vector256.LoadUnsafe(ref Unsafe.Subtract(ref window, 1));
                previous2 = Vector256.LoadUnsafe(ref Unsafe.Subtract(ref window, 2));
                previous3 = Vector256.LoadUnsafe(ref Unsafe.Subtract(ref window, 3));
            }

            Vector256<byte> nibble = Vector256.Create(NibbleMask);
            Vector256<byte> high = Vector256.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & nibble;
            Vector256<byte> previousHigh = Vector256.ShiftRightLogical(previous1.AsUInt16(), 4).AsByte() & nibble;
            Vector256<byte> previousLow = previous1 & nibble;

            // Marks sit on second bytes: the sequence is led by the byte before.
            uint marks = NonZero(VectorCaseClassifier.Marks(previousHigh, previousLow, high, input & nibble));
            Vector256<byte> pairErrors = Utf8VectorValidator.PairErrors(high, previousHigh, previousLow);
            uint errors = NonZero(pairErrors ^ Utf8VectorValidator.MustContinue(previous2, previous3));

            // The common case in one test: valid, nothing to rewrite, nothing left over from the previous window.
            if ((errors | marks | deferred | (uint)(contextStart - AllContext)) == 0)
            {
                position += WindowLength;
                continue;
            }

            if (contextStart != AllContext && isolatedTail == 0)
            {
                // Invalid bytes at the previous window's end: judged afresh from where they end, by the general path.
                errors = uint.MaxValue;
            }

            uint isolated = 0;
            if (errors != 0 && errors != uint.MaxValue)
            {
                isolated = IsolatedInvalid(nonAscii, previous1, Unsafe.Add(ref window, WindowLength));
                errors = WithoutIsolated(errors, pairErrors, isolated, isolatedTail);
            }

            if (errors != 0)
            {
                WindowOutcome outcome = WindowWithInvalid(input, pairErrors, previous2, previous3, marks, ref window, ref output, contextStart, deferred, ref invalidBytes);
                if (outcome.Stopped)
                {
                    position += outcome.Stop;
                    return Ended(out done, position, StretchEnd.LengthChange);
                }

                // The general path counted every invalid byte itself, isolated ones included.
                contextStart = outcome.ContextStart;
                deferred = outcome.Deferred;
                isolatedTail = 0;
            }
            else
            {
                if ((marks | deferred) != 0)
                {
                    WindowOutcome outcome = RewriteValidWindow(upper, input, previous1, marks, deferred, ref window, ref output);
                    if (outcome.Stopped)
                    {
                        invalidBytes += BitOperations.PopCount(isolated & BitsBelow(outcome.Stop));
                        position += outcome.Stop;
                        return Ended(out done, position, StretchEnd.LengthChange);
                    }

                    deferred = outcome.Deferred;
                }

                if ((isolated | isolatedTail) != 0)
                {
                    invalidBytes += BitOperations.PopCount(isolated);
                    isolatedTail = isolated >> FirstDeferred;

                    // Context for the next window starts after the last isolated byte among these last three.
                    contextStart = isolatedTail == 0 ? AllContext : BitOperations.Log2(isolatedTail) - ContextBytes + 1;
                }
            }

            position += WindowLength;
        }

        if (position == 0)
        {
            return Ended(out done, position, StretchEnd.OutOfRoom);
        }

        // The last window's unfinished sequence is the scalar step's; its finished deferred ones are rewritten here.
        ref byte end = ref Unsafe.Add(ref source, position);
        int unfinished = UnfinishedTail(ref end, contextStart);
        deferred &= BitsBelow(DeferredPositions - unfinished);
        if (deferred != 0 && !TryRewrite(deferred, ref end, ref Unsafe.Add(ref destination, position), out int stop))
        {
            position += stop;
            return Ended(out done, position, StretchEnd.LengthChange);
        }

        position -= unfinished;
        return Ended(out done, position, StretchEnd.OutOfRoom);
    }

    /// <summary>
    /// A valid window's marked sequences, its output already stored with a-z uppercased: the 2-byte ones all at once
    /// (<see cref="VectorTwoByteUpper"/>, where supported) or through the table in a tight loop, the others (and the
    /// previous window's <paramref name="deferred"/> ones) one by one; 3- and 4-byte sequences led from the last
    /// three bytes may run into the next window, whose store would overwrite the end of their rewrite, so they are
    /// deferred to it. Out of line: the caseless loop keeps its registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WindowOutcome RewriteValidWindow(
        Vector256<byte> upper, Vector256<byte> input, Vector256<byte> previous1, uint marks, uint deferred, ref byte window, ref byte output)
    {
        // Second bytes of 2-byte sequences: a continuation after a 2-byte lead (not an ASCII byte after an isolated
        // invalid lead).
        Vector256<byte> seconds = Vector256.Equals(previous1 & Vector256.Create(TwoByteLeadTagMask), Vector256.Create(TwoByteLeadTag))
            & Vector256.Equals(input & Vector256.Create(ContinuationTagMask), Vector256.Create(ContinuationTag));
        uint twoByteMarks = marks & seconds.ExtractMostSignificantBits();
        uint wideMarks = marks & ~twoByteMarks;
        if (twoByteMarks != 0 && VectorTwoByteUpper.IsSupported)
        {
            // All at once; what the classes do not cover, one by one below.
            VectorTwoByteUpper.Apply(upper, input, previous1, seconds, out twoByteMarks).StoreUnsafe(ref output);
        }

        int stop = WindowLength;
        ulong wide = LeadsOf(wideMarks & BitsBelow(FirstDeferred + 1)) | deferred;
        if (wide != 0 && !TryRewrite(wide, ref window, ref output, out int at))
        {
            stop = at;
        }

        // Only sequences before a stop matter: what is written after it is scratch.
        twoByteMarks &= BitsBelow(stop + 1);
        if (twoByteMarks != 0 && !TryRewriteTwoByte(twoByteMarks, ref window, ref output, out int twoByteAt))
        {
            stop = Math.Min(stop, twoByteAt);
        }

        return stop < WindowLength ? WindowOutcome.StoppedAt(stop) : WindowOutcome.Done(AllContext, wideMarks >> (FirstDeferred + 1));
    }

    /// <summary>
    /// A window holding invalid bytes (or following one that did), already stored with a-z uppercased: one step per
    /// invalid subpart, each judging what follows as if a stream started after it. Only the three bytes after a
    /// subpart can be judged differently from the window's own validation, so a byte's verdict comes from one of four
    /// masks, by how much context it has left: none (a continuation is an error), one byte (the pair alone), two
    /// bytes (the pair, and a 3rd byte due), or all (the full check). Stops at a sequence whose uppercase changes
    /// length. Takes this window's context start and deferred leads, and gives the next window's (by value: a local
    /// whose address escapes would live in memory in the caller's hot loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WindowOutcome WindowWithInvalid(
        Vector256<byte> input, Vector256<byte> pairErrors, Vector256<byte> previous2, Vector256<byte> previous3, uint marks,
        ref byte window, ref byte output, int contextStart, uint deferred, ref long invalidBytes)
    {
        uint withAllContext = NonZero(pairErrors ^ Utf8VectorValidator.MustContinue(previous2, previous3));
        uint withTwoBytes = NonZero(pairErrors ^ Utf8VectorValidator.MustBeThird(previous2));
        uint withOneByte = NonZero(pairErrors);
        uint withNone = Vector256.Equals(input & Vector256.Create(ContinuationTagMask), Vector256.Create(ContinuationTag)).ExtractMostSignificantBits();

        // Leads by position, bit 0 = position -3 (the previous window's last three bytes come from previous3).
        ulong leadsOfTwo = LeadMask(input, previous3, LeadOfTwoOrMore);
        ulong leadsOfThree = LeadMask(input, previous3, LeadOfThreeOrMore);
        ulong leadsOfFour = LeadMask(input, previous3, LeadOfFour);

        long invalid = 0;
        int start = contextStart;
        while (true)
        {
            uint errors = (withAllContext & BitsFrom(start + 3)) | (withTwoBytes & OneBit(start + 2)) | (withOneByte & OneBit(start + 1)) | (withNone & OneBit(start));
            int errorAt = BitOperations.TrailingZeroCount(errors);
            int unitStart = errorAt;
            int invalidLength = 0;
            if (errors != 0)
            {
                // The invalid subpart starts at the unfinished sequence the error cuts short, else at the error itself;
                // its length is how far back that is (at least 1): a lead, or a lead and one or two right bytes.
                ulong context = BitsFrom64(start + ContextBytes);
                int back = Bit64(leadsOfTwo & context, errorAt + ContextBytes - 1)
                    + (2 * Bit64(leadsOfThree & context, errorAt + ContextBytes - 2))
                    + (3 * Bit64(leadsOfFour & context, errorAt + ContextBytes - 3));
                unitStart = errorAt - back;
                invalidLength = Math.Max(back, 1);
            }

            // Marked sequences before the invalid subpart; without one, all but those that may run into the next window.
            ulong leads = LeadsOf(marks & (errors == 0 ? BitsBelow(FirstDeferred + 1) : uint.MaxValue)) | deferred;
            leads &= BitsFrom64(start + ContextBytes) & ~BitsFrom64(unitStart + ContextBytes);
            if (leads != 0 && !TryRewrite(leads, ref window, ref output, out int stop))
            {
                invalidBytes += invalid;
                return WindowOutcome.StoppedAt(stop);
            }

            if (errors == 0)
            {
                invalidBytes += invalid;
                return WindowOutcome.Done(Math.Max(start - WindowLength, AllContext), (marks & BitsFrom(start + 1)) >> (FirstDeferred + 1));
            }

            // Deferred leads are dealt with (rewritten, or inside this subpart); what follows starts afresh.
            deferred = 0;
            invalid += invalidLength;
            start = unitStart + invalidLength;
        }
    }

    /// <summary>
    /// Rewrites the 2-byte sequences whose second bytes are the set bits of <paramref name="marks"/> through the table;
    /// false with the lead's position in <paramref name="stop"/> at the first whose uppercase is not 2 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryRewriteTwoByte(uint marks, ref byte window, ref byte output, out int stop)
    {
        do
        {
            int second = BitOperations.TrailingZeroCount(marks);
            ushort pair = UnicodeUpperTable.TwoByteUpper(Utf8Scalar.TwoBytePayload(Unsafe.Add(ref window, second - 1), Unsafe.Add(ref window, second)));
            if (pair == 0)
            {
                stop = second - 1;
                return false;
            }

            Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, second - 1), pair);
            marks &= marks - 1;
        }
        while (marks != 0);

        stop = 0;
        return true;
    }

    /// <summary>Marks (on second bytes, positions 0..31) as leads (bit 0 = position -3): the lead is the byte before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LeadsOf(uint marks) => (ulong)marks << (DeferredPositions - 1);

    /// <summary>
    /// Non-ASCII bytes with ASCII on both sides: each is an invalid subpart of its own (a continuation after ASCII is
    /// stray; a lead followed by ASCII is cut short), the shape of Latin-1 or Windows-1252 text sent as UTF-8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint IsolatedInvalid(uint nonAscii, Vector256<byte> previous1, byte afterWindow) =>
        nonAscii & ~previous1.ExtractMostSignificantBits() & ~((nonAscii >> 1) | ((uint)(afterWindow >> 7) << (WindowLength - 1)));

    /// <summary>
    /// The window's errors once its isolated invalid bytes (and those among the previous window's last three,
    /// <paramref name="isolatedTail"/>) are passed through: the bytes after one are judged as if a stream started
    /// after it. The next byte is ASCII (fine either way); the two after it keep only their pair check (the byte two
    /// back is that ASCII byte, so no 3rd byte is due). That reading is never more lenient than the exact one; when
    /// two isolated bytes are close it can be stricter, which only sends the window down the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WithoutIsolated(uint errors, Vector256<byte> pairErrors, uint isolated, uint isolatedTail)
    {
        if ((isolated | isolatedTail) == 0)
        {
            return errors;
        }

        ulong positions = isolatedTail | ((ulong)isolated << ContextBytes);
        uint next = (uint)((positions << 1) >> ContextBytes);
        uint pairOnly = (uint)(((positions << 2) | (positions << 3)) >> ContextBytes);
        return ((errors & ~(next | pairOnly)) | (NonZero(pairErrors) & pairOnly)) & ~isolated;
    }

    /// <summary>Bytes at or above <paramref name="leadMin"/> at positions -3..31 (bit 0 = -3), from the window and the window shifted by 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LeadMask(Vector256<byte> input, Vector256<byte> previous3, byte leadMin) =>
        Vector256.GreaterThanOrEqual(previous3, Vector256.Create(leadMin)).ExtractMostSignificantBits()
        | ((ulong)Vector256.GreaterThanOrEqual(input, Vector256.Create(leadMin)).ExtractMostSignificantBits() << ContextBytes);

    /// <summary>
    /// Rewrites the sequences led at the set bits of <paramref name="leads"/> (bit 0 = position -3), in order; false
    /// with the position in <paramref name="stop"/> at the first whose uppercase has another length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryRewrite(ulong leads, ref byte window, ref byte output, out int stop)
    {
        do
        {
            int at = BitOperations.TrailingZeroCount(leads) - DeferredPositions;
            if (!SameLengthUpper.TryWrite(ref Unsafe.Add(ref window, at), ref Unsafe.Add(ref output, at)))
            {
                stop = at;
                return false;
            }

            leads &= leads - 1;
        }
        while (leads != 0);

        stop = 0;
        return true;
    }

    /// <summary>
    /// How many bytes at the end of the previous window belong to a sequence it leaves unfinished (0..3), counting only
    /// context bytes (from <paramref name="contextStart"/>, relative to <paramref name="windowEnd"/>). Only the last
    /// sequence can be unfinished, and only one of three ways: a lead as the last byte, a 3- or 4-byte lead as the one
    /// before, or a 4-byte lead three bytes back.
    /// </summary>
    private static int UnfinishedTail(ref byte windowEnd, int contextStart)
    {
        if (contextStart <= -1 && Unsafe.Subtract(ref windowEnd, 1) >= LeadOfTwoOrMore)
        {
            return 1;
        }

        if (contextStart <= -2 && Unsafe.Subtract(ref windowEnd, 2) >= LeadOfThreeOrMore)
        {
            return 2;
        }

        return contextStart <= -3 && Unsafe.Subtract(ref windowEnd, 3) >= LeadOfFour ? 3 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint NonZero(Vector256<byte> bytes) => ~Vector256.Equals(bytes, Vector256<byte>.Zero).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bit64(ulong mask, int bit) => (int)(mask >> bit) & 1;

    // Bit helpers over positions -3..35 (ContextBytes before a window to a sequence's end after it), branch-free: the
    // positions come from where invalid bytes happen to be, which no predictor can learn.

    /// <summary>The one bit of <paramref name="position"/>, or none outside 0..31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint OneBit(int position) => (uint)((1UL << (position + ContextBytes)) >> ContextBytes);

    /// <summary>Bits at positions below <paramref name="position"/>: none below 0, all from 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BitsBelow(int position) => (uint)(((1UL << (position + ContextBytes)) - 1) >> ContextBytes);

    /// <summary>Bits at positions at or after <paramref name="position"/>: all below 0, none from 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BitsFrom(int position) => ~BitsBelow(position);

    /// <summary>Bits at and above <paramref name="bit"/> (0..63) of a 64-bit mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitsFrom64(int bit) => ulong.MaxValue << bit;

    /// <summary>What a window with marks or invalid bytes leaves: a stop, or the next window's context start and deferred leads.</summary>
    private readonly struct WindowOutcome
    {
        private WindowOutcome(bool stopped, int stop, int contextStart, uint deferred)
        {
            Stopped = stopped;
            Stop = stop;
            ContextStart = contextStart;
            Deferred = deferred;
        }

        public bool Stopped { get; }

        public int Stop { get; }

        public int ContextStart { get; }

        public uint Deferred { get; }

        public static WindowOutcome StoppedAt(int stop) => new(true, stop, 0, 0);

        public static WindowOutcome Done(int contextStart, uint deferred) => new(false, 0, contextStart, deferred);
    }

    private static StretchEnd Ended(out int done, int position, StretchEnd end)
    {
        done = position;
        return end;
    }

    private enum StretchEnd
    {
        /// <summary>A window of ASCII after a finished sequence: the ASCII stretch's.</summary>
        AsciiAhead,

        /// <summary>Less than a window's room left: the scalar step's.</summary>
        OutOfRoom,

        /// <summary>A valid sequence whose uppercase has another length.</summary>
        LengthChange,
    }
}
