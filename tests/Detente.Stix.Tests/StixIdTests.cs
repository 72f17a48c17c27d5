using Detente.Stix.Validation;

namespace Detente.Stix.Tests;

public sealed class StixIdTests
{
    [Theory]
    [InlineData("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("x-foo---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4")]
    public void Accepted_ids_print_back_exactly(string text)
    {
        Assert.True(StixId.TryParse(text, out StixId id));
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("indicator--+2345678-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("indicator--0x345678-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("indicator--00000000-0000-0000-0000-000000000000")]
    [InlineData("indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F")]
    [InlineData("indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f")]
    [InlineData("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("indicator--{8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f}")]
    public void Malformed_ids_are_refused(string text)
    {
        Assert.False(StixId.TryParse(text, out _));
    }

    [Theory]
    [InlineData("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("x-foo---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("indicator--+2345678-17d4-4cbf-938f-98ee46b3cd3f")]
    [InlineData("indicator--00000000-0000-0000-0000-000000000000")]
    public void The_parser_and_the_validator_agree(string text)
    {
        Assert.Equal(Syntax.TryParseIdentifier(text, out _), StixId.TryParse(text, out _));
    }
}
