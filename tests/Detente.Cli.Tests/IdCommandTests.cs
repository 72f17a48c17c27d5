namespace Detente.Cli.Tests;

public sealed class IdCommandTests
{
    // UUIDv5 in the STIX namespace over {"value":"198.51.100.3"}, computed independently with Python's uuid.uuid5.
    private const string Ipv4Id = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";

    [Fact]
    public async Task An_sco_gets_its_deterministic_id()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(
            "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"" + Ipv4Id + "\",\"value\":\"198.51.100.3\"}", "id", "-");
        Assert.Equal(0, exit);
        Assert.Equal($"$\t{Ipv4Id}\tok\n", output);
    }

    [Fact]
    public async Task A_wrong_sco_id_is_reported_with_the_right_one_and_exit_code_1()
    {
        (int exit, string output, _) = await CliRunner.RunAsync(
            "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--00000000-0000-4000-8000-000000000000\",\"value\":\"198.51.100.3\"}", "id", "-");
        Assert.Equal(1, exit);
        Assert.StartsWith($"$\t{Ipv4Id}\tdiffers\tcurrent ipv4-addr--00000000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Objects_of_a_bundle_are_listed_by_path()
    {
        string bundle = "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":["
            + "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"},"
            + "{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}]}";
        (int exit, string output, _) = await CliRunner.RunAsync(bundle, "id", "-");
        Assert.Equal(1, exit);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("$.objects[0]\tindicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\tok", lines[0]);
        Assert.Equal($"$.objects[1]\t{Ipv4Id}\tmissing", lines[1]);
    }

    [Fact]
    public async Task A_signed_sco_keeps_the_id_of_the_unsigned_object()
    {
        string signed = "{\"type\":\"ipv4-addr\",\"id\":\"" + Ipv4Id + "\",\"value\":\"198.51.100.3\",\"extensions\":{"
            + "\"extension-definition--8b3cf07c-226c-535b-a790-f818a14de6ad\":{\"extension_type\":\"property-extension\",\"signatures\":[\"x..y\"]}}}";
        (int exit, string output, _) = await CliRunner.RunAsync(signed, "id", "-");
        Assert.Equal(0, exit);
        Assert.Equal($"$\t{Ipv4Id}\tok\n", output);
    }

    [Fact]
    public async Task Json_output_names_line_path_id_and_status()
    {
        (int exit, string output, _) = await CliRunner.RunAsync("{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}\n{\"type\":\"process\"}\n", "id", "--json", "-");
        Assert.Equal(1, exit);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("{\"line\":1,\"path\":\"$\",\"id\":\"" + Ipv4Id + "\",\"current\":null,\"status\":\"missing\"}", lines[0]);
        Assert.Contains("\"status\":\"missing\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("random UUIDv4", lines[1], StringComparison.Ordinal);
    }
}
