using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>FsCheck properties: encode → split anywhere → decode is the identity; arbitrary bytes never throw.</summary>
public class FramePropertyTests
{
    /// <summary>One data message and the control frames interleaved between its fragments.</summary>
    public sealed record MessagePlan(bool IsText, byte[] Payload, int[] Cuts, byte[][] Pings, uint MaskKey);

    private static Gen<byte[]> TextPayload =>
        from scalars in Gen.ArrayOf(Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7E)),
            (2, Gen.Choose(0x80, 0x7FF)),
            (2, Gen.Choose(0x800, 0xD7FF)),
            (1, Gen.Choose(0xE000, 0xFFFF)),
            (2, Gen.Choose(0x10000, 0x10FFFF))))
        select Encoding.UTF8.GetBytes(string.Concat(scalars.Select(char.ConvertFromUtf32)));

    private static Gen<byte[]> BinaryPayload =>
        Gen.Frequency(
            (8, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            (1, Gen.Choose(126, 70_000).Select(n => Enumerable.Range(0, n).Select(i => (byte)(i * 31 + n)).ToArray())));

    private static Gen<MessagePlan> Plan =>
        from isText in Gen.Elements(true, false)
        from payload in isText ? TextPayload : BinaryPayload
        from fragments in Gen.Choose(1, 4)
        from cuts in Gen.ArrayOf(Gen.Choose(0, payload.Length), fragments - 1)
        from pings in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(p => p.Take(125).ToArray()), fragments - 1)
        from key in Gen.Choose(int.MinValue, int.MaxValue).Select(k => unchecked((uint)k))
        select new MessagePlan(isText, payload, [.. cuts.Order()], pings, key);

    private static Gen<(MessagePlan[] Plans, int[] Splits, bool Reassemble)> Scenario =>
        from plans in Gen.ArrayOf(Plan).Select(p => p.Take(6).ToArray())
        from splits in Gen.ArrayOf(Gen.Choose(1, 300))
        from reassemble in Gen.Elements(true, false)
        select (plans, splits, reassemble);

    private static byte[] Encode(MessagePlan plan)
    {
        var wire = new List<byte>();
        int start = 0;
        int[] ends = [.. plan.Cuts, plan.Payload.Length];
        for (int i = 0; i < ends.Length; i++)
        {
            ReadOnlySpan<byte> fragment = plan.Payload.AsSpan(start, ends[i] - start);
            WebSocketOpcode opcode = i == 0 ? (plan.IsText ? WebSocketOpcode.Text : WebSocketOpcode.Binary) : WebSocketOpcode.Continuation;
            var frame = new byte[WebSocketFrameWriter.GetFrameLength(fragment.Length, masked: true)];
            WebSocketFrameWriter.WriteMaskedFrame(frame, opcode, fin: i == ends.Length - 1, fragment, plan.MaskKey + (uint)i);
            wire.AddRange(frame);
            if (i < plan.Pings.Length)
            {
                var ping = new byte[WebSocketFrameWriter.GetFrameLength(plan.Pings[i].Length, masked: true)];
                WebSocketFrameWriter.WriteMaskedFrame(ping, WebSocketOpcode.Ping, true, plan.Pings[i], ~plan.MaskKey);
                wire.AddRange(ping);
            }

            start = ends[i];
        }

        return [.. wire];
    }

    private static IEnumerable<string> Expected(MessagePlan plan) =>
        plan.Pings.Select(p => $"Ping Ping {Convert.ToHexString(p)}")
            .Append($"Message {(plan.IsText ? WebSocketOpcode.Text : WebSocketOpcode.Binary)} {Convert.ToHexString(plan.Payload)}");

    [Fact]
    public void Rfc6455_5_RandomFrameSequences_EncodeSplitDecode_YieldTheSameMessages()
    {
        Prop.ForAll(Scenario.ToArbitrary(), scenario =>
        {
            byte[] wire = [.. scenario.Plans.SelectMany(Encode)];
            int split = 0;
            var options = new WebSocketFrameReaderOptions { ReassembleMessages = scenario.Reassemble };
            List<DecodedEvent> events = FrameDecoding.DecodeInPieces(wire, options,
                _ => scenario.Splits.Length == 0 ? wire.Length : scenario.Splits[split++ % scenario.Splits.Length]);
            IEnumerable<string> actual = events.Select(e => $"{e.Kind} {e.Opcode} {e.PayloadHex}");
            return actual.SequenceEqual(scenario.Plans.SelectMany(Expected));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static Gen<(byte[] Bytes, int[] Splits, bool Server, bool AllowRsv1, bool Reassemble)> Noise =>
        from kind in Gen.Choose(0, 2)
        from raw in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
        from valid in Gen.ArrayOf(Plan).Select(p => p.Take(3).SelectMany(Encode).ToArray())
        from flips in Gen.ArrayOf(Gen.Choose(0, int.MaxValue))
        from splits in Gen.ArrayOf(Gen.Choose(1, 64))
        from server in Gen.Elements(true, false)
        from allowRsv1 in Gen.Elements(true, false)
        from reassemble in Gen.Elements(true, false)
        select (kind switch
        {
            0 => raw,
            1 => Mutate(valid, flips),
            _ => [.. valid, .. raw],
        }, splits, server, allowRsv1, reassemble);

    private static byte[] Mutate(byte[] valid, int[] flips)
    {
        byte[] copy = (byte[])valid.Clone();
        if (copy.Length == 0)
        {
            return copy;
        }

        foreach (int flip in flips.Take(4))
        {
            copy[flip % copy.Length] ^= (byte)(1 << (flip / copy.Length % 8));
        }

        return copy;
    }

    [Fact]
    public void Rfc6455_5_ArbitraryBytes_NeverThrow_OnlyDocumentedErrorEvents()
    {
        Prop.ForAll(Noise.ToArbitrary(), sample =>
        {
            var options = new WebSocketFrameReaderOptions
            {
                Role = sample.Server ? WebSocketRole.Server : WebSocketRole.Client,
                AllowRsv1 = sample.AllowRsv1,
                ReassembleMessages = sample.Reassemble,
                MaxMessageSize = 100_000,
            };
            byte[] copy = (byte[])sample.Bytes.Clone();
            using var reader = new WebSocketFrameReader(options);
            int offset = 0;
            int split = 0;
            while (offset < copy.Length)
            {
                int size = sample.Splits.Length == 0 ? copy.Length : Math.Min(sample.Splits[split++ % sample.Splits.Length], copy.Length - offset);
                Span<byte> input = copy.AsSpan(offset, size);
                offset += size;
                for (int guard = 0; ; guard++)
                {
                    Assert.True(guard <= size + 1, "each event must consume input");
                    WebSocketFrameEvent ev = reader.Read(input, out int consumed);
                    input = input[consumed..];
                    if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
                    {
                        break;
                    }

                    if (ev.Kind == WebSocketFrameEventKind.ProtocolError)
                    {
                        Assert.Contains(ev.ErrorCloseCode, new ushort[] { 1002, 1007, 1009 });
                        Assert.NotEqual(WebSocketProtocolViolation.None, ev.Violation);
                        Assert.False(reader.HoldsBuffer);
                        return true;
                    }
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
