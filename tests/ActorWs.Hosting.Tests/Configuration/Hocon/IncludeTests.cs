using ActorWs.Hosting.Configuration.Hocon;
using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Include statements against in-memory files and real temporary files.</summary>
public sealed class IncludeTests
{
    [Fact]
    public void Included_keys_take_the_place_of_the_include_statement()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/other.conf", "b : 2\nc : 20");
        Assert.Equal("{\"a\":1,\"b\":2,\"c\":30}", Json("a : 1\nb : 0\ninclude \"other.conf\"\nc : 30", files: files));
    }

    [Theory]
    [InlineData("include \"other.conf\"")]
    [InlineData("include file(\"other.conf\")")]
    [InlineData("include required(\"other.conf\")")]
    [InlineData("include required(file(\"other.conf\"))")]
    [InlineData("include required( file( \"other.conf\" ) )")]
    [InlineData("include\n  \"other.conf\"")]
    [InlineData("{ include \"other.conf\" }")]
    public void All_include_forms_read_the_file(string statement)
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/other.conf", "x : 1");
        Assert.Equal("{\"x\":1}", Json(statement, files: files));
    }

    [Fact]
    public void A_missing_include_is_ignored_unless_required()
    {
        Assert.Equal("{\"a\":1}", Json("include \"nope.conf\"\na : 1"));
        var error = ParseError("a : 1\ninclude required(\"nope.conf\")");
        Assert.Equal("test.conf:2: required include \"nope.conf\" was not found (looked for /cfg/nope.conf)", error.Message);
    }

    [Fact]
    public void Includes_are_relative_to_the_including_file_and_nest()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory)
            .Add("/cfg/sub/one.conf", "one : 1\ninclude \"deeper/two.conf\"")
            .Add("/cfg/sub/deeper/two.conf", "two : 2\ninclude \"../three.conf\"")
            .Add("/cfg/sub/three.conf", "three : 3");
        Assert.Equal("{\"one\":1,\"two\":2,\"three\":3}", Json("include \"sub/one.conf\"", files: files));
    }

    [Fact]
    public void Explicit_file_includes_are_relative_to_the_current_directory()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory)
            .Add("/cfg/sub/one.conf", "include file(\"top.conf\")")
            .Add("/cfg/top.conf", "top : true");
        Assert.Equal("{\"top\":true}", Json("include \"sub/one.conf\"", files: files));
    }

    [Fact]
    public void A_name_without_extension_loads_json_then_conf()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory)
            .Add("/cfg/both.json", "{ \"a\" : 1, \"b\" : 1 }")
            .Add("/cfg/both.conf", "b : 2");
        Assert.Equal("{\"a\":1,\"b\":2}", Json("include \"both\"", files: files));
    }

    [Fact]
    public void Includes_inside_an_object_are_placed_at_that_path_and_their_substitutions_fixed_up()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/foo.conf", "{ x : 10, y : ${x} }");
        Assert.Equal("{\"a\":{\"x\":10,\"y\":10}}", Json("{ a : { include \"foo.conf\" } }", files: files));
        Assert.Equal("{\"a\":{\"x\":42,\"y\":42}}", Json("{\n a : { include \"foo.conf\" }\n a : { x : 42 }\n}", files: files));
    }

    [Fact]
    public void Substitutions_in_included_files_fall_back_to_the_root_path()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/server.conf", "port : ${defaults.port}");
        Assert.Equal("{\"defaults\":{\"port\":80},\"server\":{\"port\":80}}", Json("defaults.port : 80\nserver { include \"server.conf\" }", files: files));
    }

    [Fact]
    public void Errors_in_included_files_name_that_file_and_its_line()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/sub/bad.conf", "ok : 1\nbad : [1,,2]");
        Assert.Equal("sub/bad.conf:2: two commas in a row", ParseError("include \"sub/bad.conf\"", files: files).Message);
    }

    [Fact]
    public void Values_from_included_files_remember_their_file()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/sub/b.conf", "\n\nb : 2");
        var root = Parse("include \"sub/b.conf\"", files: files);
        Assert.Equal("sub/b.conf:3", root["b"].Origin.ToString());
    }

    [Fact]
    public void Include_cycles_are_errors()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory)
            .Add("/cfg/a.conf", "include \"b.conf\"")
            .Add("/cfg/b.conf", "x : 1\ninclude \"a.conf\"");
        var error = ParseError("include \"a.conf\"", files: files);
        Assert.Equal("b.conf:2: include cycle: a.conf -> b.conf -> a.conf", error.Message);
    }

    [Fact]
    public void A_file_including_itself_is_a_cycle()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/self.conf", "include \"self.conf\"");
        var error = Assert.Throws<HoconException>(() => HoconReader.ReadFile("self.conf", Options(files: files)));
        Assert.Equal("self.conf:1: include cycle: self.conf -> self.conf", error.Message);
    }

    [Fact]
    public void An_included_array_is_an_error()
    {
        var files = new HoconInMemoryFileSystem(BaseDirectory).Add("/cfg/list.conf", "[1, 2]");
        Assert.Equal("list.conf:1: the root of a configuration file must be an object, not an array", ParseError("include \"list.conf\"", files: files).Message);
    }

    [Fact]
    public void Real_files_on_disk_include_each_other_relative_to_their_directory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorws-hocon-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "conf.d"));
        try
        {
            File.WriteAllText(Path.Combine(directory, "hocon.conf"), "server.port : 80\ninclude \"conf.d/local.conf\"\n");
            File.WriteAllText(Path.Combine(directory, "conf.d", "local.conf"), "server.port : 8080\nserver.name : local\n");
            var root = HoconReader.ReadFile(Path.Combine(directory, "hocon.conf"));
            Assert.Equal(8080, root.GetInt("server.port"));
            Assert.Equal("local", root.GetString("server.name"));
            Assert.EndsWith("conf.d/local.conf:1", root.GetObject("server")["port"].Origin.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Invalid_utf8_on_disk_is_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "actorws-hocon-" + Guid.NewGuid().ToString("N") + ".conf");
        File.WriteAllBytes(path, [(byte)'a', (byte)'=', 0xC3, 0x28]);
        try
        {
            var error = Assert.Throws<HoconException>(() => HoconReader.ReadFile(path));
            Assert.StartsWith($"{path}: cannot read the configuration file: the file is not valid UTF-8", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_root_file_is_an_error_naming_it()
    {
        var error = Assert.Throws<HoconException>(() => HoconReader.ReadFile("absent.conf", Options()));
        Assert.Equal("absent.conf: the configuration file does not exist", error.Message);
        Assert.Null(HoconReader.TryReadFile("absent.conf", Options()));
    }
}
