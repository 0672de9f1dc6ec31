using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>The reassembly buffer is rented from an <see cref="IMessageBufferBudget"/>, which may refuse, and given back to it.</summary>
public class ReassemblyBudgetTests
{
    private sealed class CountingBudget(long limit) : IMessageBufferBudget
    {
        public long Held { get; private set; }
        public long Peak { get; private set; }
        public int Refused { get; private set; }

        public byte[]? TryRent(int minimumLength)
        {
            if (Held + minimumLength > limit)
            {
                Refused++;
                return null;
            }
            Held += minimumLength;
            Peak = Math.Max(Peak, Held);
            return new byte[minimumLength];
        }

        public void Return(byte[] buffer) => Held -= buffer.Length;
    }

    private static byte[] Fragments(int count, int size)
    {
        var frames = new List<byte[]>();
        for (int i = 0; i < count; i++)
            frames.Add(RawFrame.Build(i == 0 ? (int)WebSocketOpcode.Binary : 0, new byte[size], fin: i == count - 1));
        return RawFrame.Concat([.. frames]);
    }

    [Fact]
    public void AFragmentedMessage_ReservesItsBuffers_AndReleasesEveryByteOnceDelivered()
    {
        var budget = new CountingBudget(long.MaxValue);
        using var reader = new WebSocketFrameReader { Budget = budget };
        byte[] wire = Fragments(20, 3000);
        int position = 0;
        WebSocketFrameEvent e;
        do
        {
            e = reader.Read(wire.AsSpan(position), out int consumed);
            position += consumed;
        }
        while (e.Kind == WebSocketFrameEventKind.NeedMoreData && position < wire.Length);
        Assert.Equal(WebSocketFrameEventKind.Message, e.Kind);
        Assert.Equal(60_000, e.Payload.Length);
        Assert.True(budget.Peak >= 60_000, $"peak {budget.Peak}");
        // The delivered buffer goes back on the next call.
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read([], out _).Kind);
        Assert.Equal(0, budget.Held);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void ARefusedReservation_FailsWith1013_AndHoldsNothing()
    {
        var budget = new CountingBudget(10_000);
        using var reader = new WebSocketFrameReader { Budget = budget };
        byte[] wire = Fragments(20, 3000);
        int position = 0;
        WebSocketFrameEvent e;
        do
        {
            e = reader.Read(wire.AsSpan(position), out int consumed);
            position += consumed;
        }
        while (e.Kind == WebSocketFrameEventKind.NeedMoreData && position < wire.Length);
        Assert.Equal(WebSocketFrameEventKind.ProtocolError, e.Kind);
        Assert.Equal(WebSocketProtocolViolation.MessageCannotBeHeld, e.Violation);
        Assert.Equal(WebSocketCloseCode.TryAgainLater, e.ErrorCloseCode);
        Assert.Equal(1, budget.Refused);
        Assert.Equal(0, budget.Held);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void Abandon_ReturnsAPartialMessage_AndEveryLaterReadReportsIt()
    {
        var budget = new CountingBudget(long.MaxValue);
        using var reader = new WebSocketFrameReader { Budget = budget };
        byte[] wire = Fragments(3, 3000);
        var first = reader.Read(wire.AsSpan(0, 5000), out _);
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, first.Kind);
        Assert.True(budget.Held > 0);
        reader.Abandon(WebSocketProtocolViolation.MessageCannotBeHeld);
        Assert.Equal(0, budget.Held);
        Assert.False(reader.HoldsBuffer);
        Assert.Equal(WebSocketProtocolViolation.MessageCannotBeHeld, reader.Read(wire.AsSpan(5000), out _).Violation);
    }
}
