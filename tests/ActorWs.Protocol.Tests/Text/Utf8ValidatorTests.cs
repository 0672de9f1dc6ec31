using System.Text;
using ActorWs.Protocol.Text;
using Xunit;

namespace ActorWs.Protocol.Tests.Text;

/// <summary>The incremental validator against Unicode Table 3-7 (well-formed UTF-8), split at every position.</summary>
public class Utf8ValidatorTests
{
    public static TheoryData<string> ValidSamples => new()
    {
        "",
        "plain ascii",
        "κόσμε",
        "€ and 世界",
        "😀🎉 astral",
        "\u0080\u07FF\u0800\uFFFF",
        char.ConvertFromUtf32(0x10000) + char.ConvertFromUtf32(0x10FFFF),
        new string('a', 200) + "é" + new string('b', 100),
    };

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Unicode_3_9_WellFormedText_IsValidAtEverySplit(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        for (int split = 0; split <= bytes.Length; split++)
        {
            var validator = new Utf8Validator();
            Assert.True(validator.Append(bytes.AsSpan(0, split)));
            Assert.True(validator.Append(bytes.AsSpan(split)));
            Assert.True(validator.IsAtCharacterBoundary);
        }

        var byteWise = new Utf8Validator();
        foreach (byte b in bytes)
        {
            Assert.True(byteWise.Append([b]));
        }

        Assert.True(byteWise.IsAtCharacterBoundary);
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]                   // lone continuation
    [InlineData(new byte[] { 0xC0 })]                   // overlong 2-byte lead
    [InlineData(new byte[] { 0xC1 })]
    [InlineData(new byte[] { 0xF5 })]                   // beyond U+10FFFF
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xE0, 0x80 })]             // overlong 3-byte
    [InlineData(new byte[] { 0xE0, 0x9F })]
    [InlineData(new byte[] { 0xED, 0xA0 })]             // UTF-16 surrogate
    [InlineData(new byte[] { 0xED, 0xBF })]
    [InlineData(new byte[] { 0xF0, 0x80 })]             // overlong 4-byte
    [InlineData(new byte[] { 0xF0, 0x8F })]
    [InlineData(new byte[] { 0xF4, 0x90 })]             // beyond U+10FFFF
    [InlineData(new byte[] { 0xC2, 0x41 })]             // missing continuation
    [InlineData(new byte[] { 0xE2, 0x82, 0x41 })]
    [InlineData(new byte[] { 0xF0, 0x90, 0x80, 0x41 })]
    public void Unicode_3_9_IllFormedPrefix_FailsAsSoonAsItsLastByteArrives(byte[] prefix)
    {
        // Whole, followed by more text, and byte by byte: the failure shows at the prefix's last byte.
        var whole = new Utf8Validator();
        Assert.False(whole.Append([.. "ok"u8.ToArray(), .. prefix]));
        Assert.True(whole.HasFailed);

        var byteWise = new Utf8Validator();
        for (int i = 0; i < prefix.Length - 1; i++)
        {
            Assert.True(byteWise.Append([prefix[i]]), $"byte {i} alone is still a valid prefix");
        }

        Assert.False(byteWise.Append([prefix[^1]]));
        Assert.False(byteWise.Append("more"u8), "failure is sticky");
    }

    [Theory]
    [InlineData(new byte[] { 0xC2 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]
    public void Unicode_3_9_TruncatedLastCharacter_IsNotAtBoundary(byte[] truncated)
    {
        var validator = new Utf8Validator();
        Assert.True(validator.Append(truncated));
        Assert.False(validator.IsAtCharacterBoundary);
        validator.Reset();
        Assert.True(validator.IsAtCharacterBoundary);
    }

    [Fact]
    public void Unicode_3_9_AgreesWithTheFrameworkOnEveryTwoAndThreeByteSequenceStart()
    {
        // Exhaustive over lead + second byte, with a valid continuation filler: the verdict must match a
        // whole-buffer decode, at every split.
        for (int lead = 0x80; lead <= 0xFF; lead++)
        {
            for (int second = 0; second <= 0xFF; second++)
            {
                byte[] bytes = [(byte)lead, (byte)second, 0x80, 0x80];
                for (int take = 1; take <= bytes.Length; take++)
                {
                    ReadOnlySpan<byte> sample = bytes.AsSpan(0, take);
                    bool expectedComplete = System.Text.Unicode.Utf8.IsValid(sample);
                    var validator = new Utf8Validator();
                    bool ok = validator.Append(sample[..1]) & validator.Append(sample[1..]);
                    Assert.Equal(expectedComplete, ok && validator.IsAtCharacterBoundary);
                }
            }
        }
    }
}
