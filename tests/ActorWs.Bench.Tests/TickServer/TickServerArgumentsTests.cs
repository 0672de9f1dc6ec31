using ActorWs.Bench.TickServer;
using Xunit;

namespace ActorWs.Bench.Tests.TickServer;

public class TickServerArgumentsTests
{
    [Fact]
    public void Host_and_port_are_required_and_the_rest_defaults_to_the_issue()
    {
        var parsed = TickServerArguments.Parse(["--host", "127.0.0.1", "--port", "9000"]);
        Assert.Equal(new TickServerArguments("127.0.0.1", 9000, 30, 256), parsed.Arguments);
        Assert.Null(parsed.Error);
    }

    [Fact]
    public void Every_option_is_read_in_any_order()
    {
        var parsed = TickServerArguments.Parse(["--size", "8", "--hz", "120", "--port", "0", "--host", "::1"]);
        Assert.Equal(new TickServerArguments("::1", 0, 120, 8), parsed.Arguments);
    }

    [Theory]
    [InlineData(new[] { "--host", "127.0.0.1" }, "--port is required")]
    [InlineData(new[] { "--port" }, "option '--port' needs a value")]
    [InlineData(new[] { "--port", "65536" }, "--port must be an integer in 0..65535, got '65536'")]
    [InlineData(new[] { "--port", "1", "--hz", "0" }, "--hz must be an integer in 1..120, got '0'")]
    [InlineData(new[] { "--port", "1", "--hz", "121" }, "--hz must be an integer in 1..120, got '121'")]
    [InlineData(new[] { "--port", "1", "--size", "7" }, "--size must be an integer in 8..65535, got '7'")]
    [InlineData(new[] { "--port", "1", "--rate", "30" }, "unknown option '--rate'")]
    [InlineData(new[] { "--port", "1", "--host", "0.0.0.0" }, "--host must be a loopback address (127.x.x.x or ::1), got '0.0.0.0'")]
    [InlineData(new[] { "--port", "1", "--host", "localhost" }, "--host must be a loopback address (127.x.x.x or ::1), got 'localhost'")]
    public void Bad_command_lines_get_a_precise_error(string[] args, string error)
    {
        var parsed = TickServerArguments.Parse(args);
        Assert.Null(parsed.Arguments);
        Assert.Equal(error, parsed.Error);
    }

    [Fact]
    public async Task A_bad_command_line_exits_with_the_usage_code_without_starting_a_server()
    {
        using var error = new StringWriter();
        var code = await TickServerHost.RunAsync(["--port", "1", "--hz", "0"], error);
        Assert.Equal(TickServerHost.ExitUsage, code);
        Assert.Contains(TickServerArguments.Usage, error.ToString(), StringComparison.Ordinal);
    }
}
